import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..')

describe('the sopflow command', () => {
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL')
  })

  it("runs the server with the garbage collector on the server's own thread, set on node's command line", async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'sopflow-command-')), 'db.sqlite')
    const child = spawn(join(root, 'bin', 'sopflow.mjs'), ['serve', '--port', '0', '--db', db], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000)
      const read = (d: Buffer) => {
        out += d
        const m = /running at (http:\/\/\S+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(m[1])
        }
      }
      child.stdout!.on('data', read)
      child.stderr!.on('data', (d) => {
        out += d
      })
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`server exited with ${code}: ${out}`))
      })
    })
    // The process that serves is node itself (env execs it), started with the flag.
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')
    expect(argv[0]).toMatch(/node$/)
    expect(argv[1]).toBe('--single-threaded-gc')
    expect((await fetch(`${url}/api/health`)).status).toBe(200)
    child.kill('SIGTERM')
  })
})
