import { describe, expect, it } from 'vitest'
import { KeyedQueue } from '../../server/services/keyedQueue.ts'

/** A promise and the functions that settle it. */
function gate<T = void>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('tasks queued per key', () => {
  it('runs tasks of one key one after another, in the order given, each with its own result', async () => {
    const q = new KeyedQueue()
    const log: string[] = []
    const first = gate()
    const a = q.run('t1', async () => {
      log.push('a starts')
      await first.promise
      log.push('a ends')
      return 'A'
    })
    const b = q.run('t1', async () => {
      log.push('b starts')
      return 'B'
    })
    await tick()
    expect(log).toEqual(['a starts'])
    first.resolve()
    expect(await a).toBe('A')
    expect(await b).toBe('B')
    expect(log).toEqual(['a starts', 'a ends', 'b starts'])
  })

  it('runs tasks of different keys side by side', async () => {
    const q = new KeyedQueue()
    const log: string[] = []
    const held = gate()
    const a = q.run('t1', async () => {
      log.push('t1 starts')
      await held.promise
      return 1
    })
    const b = q.run('t2', async () => {
      log.push('t2 runs')
      return 2
    })
    expect(await b).toBe(2)
    expect(log).toEqual(['t1 starts', 't2 runs'])
    held.resolve()
    expect(await a).toBe(1)
  })

  it('runs the next task of a key after one that failed, and the failure reaches only its caller', async () => {
    const q = new KeyedQueue()
    const failing = gate()
    const a = q.run('t1', () => failing.promise)
    const b = q.run('t1', async () => 'after')
    failing.reject(new Error('version conflict'))
    await expect(a).rejects.toThrow('version conflict')
    expect(await b).toBe('after')
  })

  it('starts a task at once when the key has nothing waiting, also after earlier tasks ended', async () => {
    const q = new KeyedQueue()
    expect(await q.run('t1', async () => 'one')).toBe('one')
    await tick()
    const log: string[] = []
    const p = q.run('t1', async () => {
      log.push('ran')
      return 'two'
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(log).toEqual(['ran'])
    expect(await p).toBe('two')
  })

  it('keeps a task queued behind one still running after an earlier task of the key ended', async () => {
    const q = new KeyedQueue()
    const log: string[] = []
    const firstHeld = gate()
    const secondHeld = gate()
    const a = q.run('t1', async () => {
      await firstHeld.promise
      log.push('a ends')
    })
    const b = q.run('t1', async () => {
      log.push('b starts')
      await secondHeld.promise
      log.push('b ends')
    })
    firstHeld.resolve()
    await a
    await tick()
    expect(log).toEqual(['a ends', 'b starts'])
    const c = q.run('t1', async () => {
      log.push('c starts')
    })
    await tick()
    expect(log).toEqual(['a ends', 'b starts'])
    secondHeld.resolve()
    await b
    await c
    expect(log).toEqual(['a ends', 'b starts', 'b ends', 'c starts'])
  })

  it('keeps nothing for a key once its tasks are done', async () => {
    const q = new KeyedQueue()
    const tails = (q as unknown as { tails: Map<string, unknown> }).tails
    await q.run('t1', async () => 1)
    await q
      .run('t2', async () => {
        throw new Error('refused')
      })
      .catch(() => null)
    await tick()
    expect(tails.size).toBe(0)
  })
})
