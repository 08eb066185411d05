import { type ChildProcess, spawn } from 'node:child_process'
import { root } from './helpers.ts'

/** A sopflow server in its own process (`pausedChild.ts`) on a database and a clock file. */
export interface ChildServer {
  child: ChildProcess
  url: string
  token: string
}

/** Starts the server in a child process; resolves once it listens. */
export function bootChild(db: string, clockFile: string): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/pausedChild.ts', db, clockFile], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const m = /READY (\S+) (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1], token: m[2] })
      }
    })
    child.stderr!.on('data', (d) => {
      out += d
    })
  })
}

/** Kills the child at once (no shutdown work) and waits until it is gone. */
export async function killChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return
  c.kill('SIGKILL')
  await new Promise((r) => c.once('exit', r))
}

/** Waits until `probe` gives a value that `done` accepts, or fails after `ms`. */
export async function waitFor<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (done(v)) return v
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
