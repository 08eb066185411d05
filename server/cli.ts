import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { compile } from '../engine/index.ts'
import { newId, newToken, sha256, tokenHash } from './services/crypto.ts'
import { verifyAudit } from './services/tickets.ts'
import { importSop, startServer } from './start.ts'
import { SqliteStorage } from './storage/sqlite.ts'
import { ROLES, type Role, type TicketRow } from './storage/types.ts'

const DEFAULT_DB = process.env.SOPFLOW_DB ?? './data/sopflow.db'

const HELP = `sopflow — Standard Operating Procedures that run

Usage:
  sopflow serve [--port 8787] [--host 127.0.0.1] [--db ${DEFAULT_DB}]
  sopflow validate <file.json>…        check SOP documents; exit 1 if any is invalid
  sopflow paths <file.json>            every path to each end step
  sopflow user add --name <name> --role <${ROLES.join('|')}> [--team <team>] [--db …]
  sopflow import <file.json>… [--db …] import and publish SOP documents
  sopflow verify <ticket-id> [--db …]  check a ticket's hash chain and replay it
  sopflow verify --bundle <evidence.json>   check an exported evidence bundle offline
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
    },
  })
  const db = values.db ?? DEFAULT_DB
  switch (command) {
    case 'serve': {
      const port = values.port ? Number(values.port) : Number(process.env.PORT ?? 8787)
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        fail(`--port must be a port number, not "${values.port}"`)
      const server = await startServer({
        dbPath: db,
        port,
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
      const stop = async () => {
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
      if (values.bundle) return verifyBundle(values.bundle)
      const id = positionals[0]
      if (!id) fail('usage: sopflow verify <ticket-id>  or  sopflow verify --bundle <file>')
      const storage = new SqliteStorage(db)
      const t = await storage.getTicket(id)
      if (!t) fail(`no ticket "${id}" in ${db}`)
      const version = await storage.getVersion(t.sopId, t.sopVersion)
      if (!version) fail(`the ticket's SOP version ${t.sopId}@${t.sopVersion} is missing`)
      const result = verifyAudit(compile(version.document, { sha256 }), t, await storage.getAudit(id))
      await storage.close()
      return report(id, result)
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

function report(id: string, result: ReturnType<typeof verifyAudit>): number {
  if (result.ok) {
    process.stdout.write(
      `✓ ticket ${id}: hash chain intact (${result.chain.length} records), replay matches (${result.replay.records} transitions)\n`,
    )
    return 0
  }
  if (!result.chain.ok)
    process.stdout.write(
      `✗ ticket ${id}: hash chain broken at record ${result.chain.seq ?? result.chain.index}: ${result.chain.reason}\n`,
    )
  if (!result.replay.ok)
    process.stdout.write(
      `✗ ticket ${id}: replay diverges at transition ${result.replay.seq}: ${result.replay.reason}\n  expected ${JSON.stringify(result.replay.expected)}\n  recorded ${JSON.stringify(result.replay.recorded)}\n`,
    )
  return 1
}

function verifyBundle(file: string): number {
  let bundle: {
    ticket: TicketRow
    sop: { hash: string; document: unknown }
    audit: Parameters<typeof verifyAudit>[2]
  }
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`)
  }
  const sop = compile(bundle.sop.document, { sha256 })
  if (sop.hash !== bundle.sop.hash) {
    process.stdout.write(`✗ the SOP document in the bundle does not match its hash ${bundle.sop.hash}\n`)
    return 1
  }
  if (sop.hash !== bundle.ticket.sopHash) {
    process.stdout.write('✗ the ticket is pinned to another SOP version than the one in the bundle\n')
    return 1
  }
  return report(bundle.ticket.id, verifyAudit(sop, bundle.ticket, bundle.audit))
}

const code = await main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`sopflow: ${(err as Error).message}\n`)
  return 1
})
if (code >= 0) process.exit(code)
