/**
 * Runs tasks one after another per key (a ticket id) within this process, so that writes to one
 * ticket that carry no version (notes, assignments) never race each other for the same audit
 * sequence number; tasks on different keys still run — and commit in groups — side by side.
 * Across processes the commit's version check and the caller's retries still decide.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve()
    const result = before.then(task, task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}
