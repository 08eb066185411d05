import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { root } from './helpers.ts'

export interface ChildServer {
  child: ChildProcess
  url: string
  /**
   * When this start created the database: an administrator's API token, made with
   * `sopflow user add --token` beside the running server, as scripts do.
   */
  token: string
  /** Everything the server printed. */
  output: () => string
}

/** Starts `sopflow serve` as a separate process on a free port. */
export async function bootChild(
  dbPath: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<ChildServer> {
  const server = await spawnServer(dbPath, env, extraArgs)
  if (!/setup link/.test(server.output())) return server
  const added = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/cli.ts',
      'user',
      'add',
      '--name',
      'Test administrator',
      '--role',
      'admin',
      '--token',
      '--db',
      dbPath,
    ],
    { cwd: root, env: { ...process.env, ...env } },
  )
  const token = /API token[^\n]*\n\n\s+(sf_\S+)\n/.exec(added.stdout)?.[1]
  if (!token) throw new Error(`no API token from sopflow user add: ${added.stdout}${added.stderr}`)
  return { ...server, token }
}

function spawnServer(dbPath: string, env: Record<string, string>, extraArgs: string[]): Promise<ChildServer> {
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
      if (m && /setup link[^\n]*\n\n\s+\S+\n|Sign in at /.test(out)) {
        clearTimeout(timer)
        resolve({ child, url: m[1], token: '', output: () => out })
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
