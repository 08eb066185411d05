import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { root } from './helpers.ts'

export interface ChildServer {
  child: ChildProcess
  url: string
  /** The first administrator's token, when this start created the database. */
  token: string
  /** Everything the server printed. */
  output: () => string
}

/** Starts `sopflow serve` as a separate process on a free port. */
export function bootChild(
  dbPath: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/cli.ts', 'serve', '--port', '0', '--db', dbPath, ...extraArgs],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    )
    let out = ''
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = /running at (http:\/\/\S+)/.exec(out)
      if (m && (out.includes('Sign in with your token') || /token[^\n]*\n\n\s+(sf_\S+)/.test(out))) {
        clearTimeout(timer)
        resolve({ child, url: m[1], token: /\n\s+(sf_\S+)\n/.exec(out)?.[1] ?? '', output: () => out })
      }
    })
    child.stderr!.on('data', (d) => {
      out += d
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (!/running at/.test(out)) reject(new Error(`server exited with ${code}: ${out}`))
    })
  })
}

/** The resident memory of a process, in bytes, from /proc. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!m) throw new Error(`no VmRSS for process ${pid}`)
  return Number(m[1]) * 1024
}
