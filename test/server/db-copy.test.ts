import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AttachmentStore } from '../../server/channels/attachments.ts'
import { PgAttachmentContents } from '../../server/storage/pgShared.ts'
import { PgStorage } from '../../server/storage/postgres.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { root, setup } from './helpers.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'
import { workedDatabase } from './workedDatabase.ts'

const run = promisify(execFile)
/** tsx by its full address: the CLI also runs from folders outside the project. */
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const cli = (args: string[], cwd = root) =>
  run(process.execPath, ['--import', tsx, join(root, 'server', 'cli.ts'), ...args], { cwd }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  )

/** A SQLite database with tickets worked through the API: transitions, notes, an assignment. */
/** A new database file with three worked tickets (see `workedDatabase`). */
async function workedFile(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-copy-')), 'sopflow.db')
  await workedDatabase(path)
  return path
}

describe('sopflow db copy and --db', () => {
  let server: TestPostgres
  beforeAll(async () => {
    server = await startPostgres()
  }, 120_000)
  afterAll(() => server?.stop(), 60_000)

  it('copies a worked database to PostgreSQL, verifies every ticket there and prints the counts', async () => {
    const path = await workedFile()
    const url = await server.createDatabase()
    const r = await cli(['db', 'copy', '--from', path, '--to', url])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/tickets: 3\n/)
    expect(r.stdout).toContain('✓ 3 of 3 tickets verified on the target')
    const source = new SqliteStorage(path, { writerThread: false })
    const target = await PgStorage.open(url)
    try {
      const ids = (source.db.prepare('SELECT id FROM tickets ORDER BY id').all() as { id: string }[]).map(
        (t) => t.id,
      )
      expect(ids).toHaveLength(3)
      for (const id of ids) {
        expect(await target.getTicket(id)).toEqual(await source.getTicket(id))
        expect(await target.getAudit(id)).toEqual(await source.getAudit(id))
      }
      expect(await target.ledgerSize()).toBe(await source.ledgerSize())
      expect(await target.listUsers()).toEqual(await source.listUsers())
    } finally {
      await source.close()
      await target.close()
    }
    // A second copy into the same database is refused: it holds data now.
    const again = await cli(['db', 'copy', '--from', path, '--to', url])
    expect(again.code).not.toBe(0)
    expect(`${again.stdout}${again.stderr}`).toContain('already holds')
  }, 120_000)

  it('copies the attachment contents kept beside the SQLite file into the database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-copy-files-')), 'sopflow.db')
    const ctx = await setup({ path })
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'chat',
      subject: 'Receipt',
    })
    const conn = await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
      kind: 'webhook',
      name: 'Zalo chat',
      address: 'zalo',
      channel: 'chat',
      sopId: 'support-ticket',
    })
    expect(conn.status, JSON.stringify(conn.body)).toBe(201)
    const content = Buffer.from('Biên lai 499 000 ₫')
    const files = new AttachmentStore(join(dirname(path), 'attachments'))
    const [row] = await files.save('msg_copy', [
      { filename: 'receipt.txt', contentType: 'text/plain', content },
    ])
    await ctx.storage.channels.addMessage(
      {
        id: 'msg_copy',
        connectionId: conn.body.id,
        ticketId: opened.body.ticket.id,
        followsTicketId: null,
        direction: 'in',
        channel: 'chat',
        status: 'threaded',
        sender: '+84901234567',
        senderName: null,
        subject: 'Receipt',
        text: 'Đính kèm.',
        html: null,
        externalId: 'zalo-copy',
        conversationId: 'conv-copy',
        refs: [],
        raw: null,
        at: new Date().toISOString(),
      },
      [row],
    )
    await ctx.storage.close()
    const url = await server.createDatabase()
    const copied = await cli(['db', 'copy', '--from', path, '--to', url])
    expect(copied.code, copied.stdout + copied.stderr).toBe(0)
    const target = await PgStorage.open(url)
    try {
      expect(await new PgAttachmentContents(target.db).get(row.sha256!)).toEqual(content)
    } finally {
      await target.close()
    }
  }, 120_000)

  it('refuses a --db with a scheme it does not know, and creates nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sopflow-dburl-'))
    const r = await cli(
      ['import', join(root, 'examples', readdirSync(join(root, 'examples'))[0]), '--db', 'mysql://me@db/x'],
      cwd,
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('does not know the database scheme "mysql:"')
    expect(readdirSync(cwd)).toEqual([])
    // A postgres:// URL is served from PostgreSQL: with none there, serve says so and creates no file.
    const serve = await cli(['serve', '--port', '0', '--db', 'postgres://127.0.0.1:1/nowhere'], cwd)
    expect(serve.code).toBe(1)
    expect(serve.stderr).toContain('ECONNREFUSED 127.0.0.1:1')
    expect(existsSync(join(cwd, 'postgres:'))).toBe(false)
    expect(readdirSync(cwd)).toEqual([])
  }, 60_000)

  it('imports SOPs straight into a PostgreSQL database given as --db', async () => {
    const url = await server.createDatabase()
    const file = join(root, 'test', 'fixtures', 'support-ticket.json')
    const r = await cli(['import', file, '--db', url])
    expect(r.stdout).toContain('✓')
    expect(r.code).toBe(0)
    const target = await PgStorage.open(url)
    try {
      expect((await target.latestVersion('support-ticket'))?.version).toBe(1)
    } finally {
      await target.close()
    }
  }, 60_000)
})
