import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { oidcFromFlags, personCommand } from './cli/userCommands.ts'
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, importSop, startServer } from './start.ts'
import { databaseTarget } from './storage/databaseUrl.ts'
import { openStorage } from './storage/open.ts'
import { ROLES } from './storage/types.ts'

const DEFAULT_DB = process.env.SOPFLOW_DB ?? './data/sopflow.db'

const HELP = `sopflow — Standard Operating Procedures that run

Usage:
  sopflow serve [--port 8787] [--host 127.0.0.1] [--db ${DEFAULT_DB}] [--public-url URL]
               (--db: a SQLite file; import, verify and db copy also take postgres://user@host/db)
               [--oidc-issuer URL --oidc-client-id ID [--oidc-client-secret S]
                [--oidc-redirect-uri URL] [--oidc-default-role ROLE] [--oidc-role-claim CLAIM]
                [--oidc-label TEXT]]        (or SOPFLOW_OIDC_ISSUER, SOPFLOW_OIDC_CLIENT_ID, …)
               [--smtp-port 2525 [--smtp-cert cert.pem --smtp-key key.pem]]
               [--smtp-relay smtp://user:pass@host:port] [--mail-from "Support <support@example.com>"]
               [--shutdown-timeout 10] [--ledger-key key.pem] [--attachments-dir DIR]
  sopflow validate <file.json>…        check SOP documents; exit 1 if any is invalid
  sopflow paths <file.json>            every path to each end step
  sopflow user add --name <name> --role <${ROLES.join('|')}> [--team <team>] [--email <e-mail>]
                   [--token] [--url URL] [--db …]
                                       print an invitation link (and with --token an API token)
  sopflow user reset --email <e-mail> [--url URL] [--db …]
                                       print a link with which the person chooses a new password
  sopflow import <file.json>… [--db …] import and publish SOP documents
  sopflow verify <ticket-id> [--db …]  check a ticket: hash chain, replay, row, place in the ledger
  sopflow db copy --from ./data/sopflow.db --to postgres://user@host/database
                                       copy every table, then verify every ticket on the target
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
  if (command === 'user') return personCommand(rest, DEFAULT_DB, fail)
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
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
      email: { type: 'string' },
      'public-url': { type: 'string' },
      'oidc-issuer': { type: 'string' },
      'oidc-client-id': { type: 'string' },
      'oidc-client-secret': { type: 'string' },
      'oidc-redirect-uri': { type: 'string' },
      'oidc-default-role': { type: 'string' },
      'oidc-role-claim': { type: 'string' },
      'oidc-label': { type: 'string' },
      'smtp-port': { type: 'string' },
      'smtp-cert': { type: 'string' },
      'smtp-key': { type: 'string' },
      'smtp-relay': { type: 'string' },
      'mail-from': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'ledger-key': { type: 'string' },
      'attachments-dir': { type: 'string' },
    },
  })
  const db = values.db ?? DEFAULT_DB
  try {
    databaseTarget(db)
  } catch (err) {
    fail((err as Error).message)
  }
  switch (command) {
    case 'serve': {
      const port = values.port ? Number(values.port) : Number(process.env.PORT ?? 8787)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        fail(`--port must be a port number, not "${values.port}"`)
      const publicUrl = values['public-url'] ?? process.env.SOPFLOW_PUBLIC_URL
      const smtpPort = values['smtp-port'] === undefined ? null : Number(values['smtp-port'])
      if (smtpPort !== null && (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535))
        fail(`--smtp-port must be a port number, not "${values['smtp-port']}"`)
      if (Boolean(values['smtp-cert']) !== Boolean(values['smtp-key']))
        fail('--smtp-cert and --smtp-key go together (STARTTLS needs both)')
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
        publicUrl,
        auth: { oidc: oidcFromFlags(values, publicUrl ?? `http://127.0.0.1:${port}`, fail) },
        smtpPort,
        smtpCert: values['smtp-cert'],
        smtpKey: values['smtp-key'],
        smtpRelay: values['smtp-relay'] ?? process.env.SOPFLOW_SMTP_RELAY ?? null,
        mailFrom: values['mail-from'] ?? process.env.SOPFLOW_MAIL_FROM,
        ledgerKeyFile: values['ledger-key'] ?? process.env.SOPFLOW_LEDGER_KEY,
        attachmentsDir: values['attachments-dir'] ?? process.env.SOPFLOW_ATTACHMENTS_DIR,
      })
      if (server.smtpPort !== null)
        process.stdout.write(`\nsopflow receives mail over SMTP on port ${server.smtpPort}\n`)
      process.stdout.write(`\nsopflow is running at ${server.url}  (database: ${db})\n`)
      if (server.setupUrl) {
        process.stdout.write(
          `First start: open this one-time setup link to choose the administrator's password (valid 24 h):\n\n  ${server.setupUrl}\n\n`,
        )
      } else {
        process.stdout.write(
          `Sign in at ${publicUrl ?? server.url}; invite a person: npx sopflow user add --name <name> --role <role> --email <e-mail>\n`,
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
    case 'import': {
      if (!positionals.length) fail('usage: sopflow import <file.json>…')
      const storage = await openStorage(db)
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
    case 'db': {
      if (positionals[0] !== 'copy' || !values.from || !values.to)
        fail('usage: sopflow db copy --from ./data/sopflow.db --to postgres://user@host/database')
      const { runDbCopy } = await import('./cli/dbCommands.ts')
      return runDbCopy(values.from, values.to, fail)
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
