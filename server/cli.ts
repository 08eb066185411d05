import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { newId, newToken, tokenHash } from './services/crypto.ts'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, importSop, startServer } from './start.ts'
import { SqliteStorage } from './storage/sqlite.ts'
import { ROLES, type Role } from './storage/types.ts'

const DEFAULT_DB = process.env.SOPFLOW_DB ?? './data/sopflow.db'

const HELP = `sopflow — Standard Operating Procedures that run

Usage:
  sopflow serve [--port 8787] [--host 127.0.0.1] [--db ${DEFAULT_DB}] [--shutdown-timeout 10]
  sopflow validate <file.json>…        check SOP documents; exit 1 if any is invalid
  sopflow paths <file.json>            every path to each end step
  sopflow user add --name <name> --role <${ROLES.join('|')}> [--team <team>] [--db …]
  sopflow import <file.json>… [--db …] import and publish SOP documents
  sopflow verify <ticket-id> [--db …]  check a ticket: hash chain, replay, row, place in the ledger
  sopflow verify --bundle <evidence.json> [--key KEY] [--head HEAD]
                                       check an exported evidence bundle offline
  sopflow ledger watch [--url URL] [--state FILE] [--token T] [--key KEY] [--interval S]
                                       check each signed tree head extends those seen before
`

function fail(message: string): never {
  process.stderr.write(`sopflow: ${message}\n`)
  process.exit(1)
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      team: { type: 'string' },
      bundle: { type: 'string' },
      key: { type: 'string' },
      head: { type: 'string' },
      url: { type: 'string' },
      state: { type: 'string' },
      token: { type: 'string' },
      interval: { type: 'string' },
      'shutdown-timeout': { type: 'string' },
    },
  })
  const db = values.db ?? DEFAULT_DB
  switch (command) {
    case 'serve': {
      const port = values.port ? Number(values.port) : Number(process.env.PORT ?? 8787)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        fail(`--port must be a port number, not "${values.port}"`)
      const shutdownText = values['shutdown-timeout'] ?? process.env.SOPFLOW_SHUTDOWN_TIMEOUT
      const shutdownTimeoutMs =
        shutdownText === undefined ? DEFAULT_SHUTDOWN_TIMEOUT_MS : Number(shutdownText) * 1000
      if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 1000 || shutdownTimeoutMs > 600_000)
        fail(`--shutdown-timeout must be a number of seconds from 1 to 600, not "${shutdownText}"`)
      const server = await startServer({
        dbPath: db,
        port,
        shutdownTimeoutMs,
        host: values.host ?? process.env.HOST ?? '127.0.0.1',
        log: (line) => process.stdout.write(`${line}\n`),
      })
      process.stdout.write(`\nsopflow is running at ${server.url}  (database: ${db})\n`)
      if (server.adminToken) {
        process.stdout.write(
          `First administrator token (shown once; keep it safe):\n\n  ${server.adminToken}\n\n`,
        )
      } else {
        process.stdout.write(
          'Sign in with your token; a new one: npx sopflow user add --name <name> --role admin\n',
        )
      }
      // A second signal, or a shutdown that overruns its bound, ends the process at once.
      let stopping = false
      const stop = async () => {
        if (stopping) process.exit(1)
        stopping = true
        setTimeout(() => {
          process.stderr.write('sopflow: shutdown took too long; exiting\n')
          process.exit(1)
        }, shutdownTimeoutMs + 1000).unref()
        await server.close()
        process.exit(0)
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
      return -1
    }
    case 'validate': {
      const { runValidate } = await import('./cli/sopCommands.ts')
      return runValidate(positionals)
    }
    case 'paths': {
      const { runPaths } = await import('./cli/sopCommands.ts')
      return runPaths(positionals[0])
    }
    case 'user': {
      if (positionals[0] !== 'add') fail('usage: sopflow user add --name <name> --role <role>')
      if (!values.name?.trim()) fail('--name is required')
      if (!ROLES.includes(values.role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`)
      const storage = new SqliteStorage(db)
      const token = newToken()
      const user = await storage.createUser(
        {
          id: newId('u'),
          name: values.name.trim(),
          role: values.role as Role,
          team: values.team ?? null,
          createdAt: new Date().toISOString(),
        },
        tokenHash(token),
        'created with the CLI',
      )
      await storage.close()
      process.stdout.write(
        `Created ${user.role} ${user.name} (${user.id}). Token (shown once):\n\n  ${token}\n\n`,
      )
      return 0
    }
    case 'import': {
      if (!positionals.length) fail('usage: sopflow import <file.json>…')
      const storage = new SqliteStorage(db)
      let failed = 0
      const users = await storage.listUsers()
      const by = users.find((u) => u.role === 'admin')?.id ?? 'cli'
      for (const file of positionals) {
        try {
          const r = await importSop(
            storage,
            JSON.parse(readFileSync(file, 'utf8')),
            by,
            new Date().toISOString(),
          )
          process.stdout.write(`✓ ${file}: ${r.id} version ${r.version}\n`)
        } catch (err) {
          failed++
          process.stdout.write(`✗ ${file}: ${(err as Error).message}\n`)
        }
      }
      await storage.close()
      return failed ? 1 : 0
    }
    case 'verify': {
      const { runVerifyBundle, runVerifyTicket } = await import('./cli/ledgerCommands.ts')
      if (values.bundle) return runVerifyBundle(values.bundle, values.key, values.head)
      const id = positionals[0]
      if (!id) fail('usage: sopflow verify <ticket-id>  or  sopflow verify --bundle <file>')
      return runVerifyTicket(db, id)
    }
    case 'ledger': {
      if (positionals[0] !== 'watch') fail('usage: sopflow ledger watch [--url URL] [--state FILE]')
      const { runLedgerWatch } = await import('./cli/ledgerCommands.ts')
      const interval = values.interval === undefined ? undefined : Number(values.interval)
      if (interval !== undefined && !(interval > 0))
        fail(`--interval must be a number of seconds, not "${values.interval}"`)
      return runLedgerWatch({
        url: values.url ?? 'http://127.0.0.1:8787',
        state: values.state ?? './sopflow-heads-seen.json',
        token: values.token ?? process.env.SOPFLOW_TOKEN,
        key: values.key,
        intervalSeconds: interval,
      })
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(HELP)
      return 0
    default:
      process.stderr.write(`sopflow: unknown command "${command}"\n\n${HELP}`)
      return 1
  }
}

const code = await main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`sopflow: ${(err as Error).message}\n`)
  return 1
})
if (code >= 0) process.exit(code)
