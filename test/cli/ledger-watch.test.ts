import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { linkHash } from '../../server/services/crypto.ts'
import { entryOf } from '../../server/services/verification.ts'
import { startServer } from '../../server/start.ts'
import { prepareLedger } from '../../server/storage/ledgerAppend.mjs'
import type { AuditRow } from '../../server/storage/types.ts'

const root = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)

async function watch(url: string, state: string, token: string) {
  const args = [
    '--import',
    'tsx',
    'server/cli.ts',
    'ledger',
    'watch',
    '--url',
    url,
    '--state',
    state,
    '--token',
    token,
  ]
  return run(process.execPath, args, { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e) => ({ code: e.code as number, out: e.stdout as string }),
  )
}

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

/**
 * What someone with the database (and even the server and its key) can do: rewrite records and
 * recompute every hash, the ticket's head and the whole Merkle tree, and remove the heads kept.
 */
function rewrite(dbPath: string, dir: string, change: (db: Database.Database) => void) {
  const db = new Database(dbPath)
  db.exec(`DROP TRIGGER IF EXISTS audit_append_only_update; DROP TRIGGER IF EXISTS audit_append_only_delete;
    DROP TRIGGER IF EXISTS ledger_nodes_append_only_update; DROP TRIGGER IF EXISTS ledger_nodes_append_only_delete;
    DROP INDEX IF EXISTS audit_leaf; DELETE FROM ledger_heads; DELETE FROM ledger_nodes;`)
  change(db)
  for (const { ticket_id } of db.prepare('SELECT id AS ticket_id FROM tickets').all() as {
    ticket_id: string
  }[]) {
    let prev: string | null = null
    const rows = db.prepare('SELECT * FROM audit WHERE ticket_id = ? ORDER BY seq').all(ticket_id) as any[]
    for (const r of rows) {
      const a = {
        ticketId: r.ticket_id,
        seq: r.seq,
        type: r.type,
        at: r.at,
        actorId: r.actor_id,
        role: r.role,
        payload: JSON.parse(r.payload),
      } as AuditRow
      const hash = linkHash(prev, entryOf(a))
      db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE ticket_id = ? AND seq = ?').run(
        prev,
        hash,
        r.ticket_id,
        r.seq,
      )
      prev = hash
    }
    db.prepare('UPDATE tickets SET audit_head = ?, audit_seq = ? WHERE id = ?').run(
      prev,
      rows.length,
      ticket_id,
    )
  }
  const ledger = prepareLedger(db)
  ledger.begin()
  for (const r of db.prepare('SELECT ticket_id, seq, hash FROM audit ORDER BY leaf').all() as any[])
    db.prepare('UPDATE audit SET leaf = ? WHERE ticket_id = ? AND seq = ?').run(
      ledger.append(r.hash),
      r.ticket_id,
      r.seq,
    )
  db.close()
  rmSync(join(dir, 'ledger-heads.jsonl'), { force: true })
}

describe('sopflow ledger watch', () => {
  it('accepts heads that extend those seen, and reports a rewrite with recomputed hashes and a truncation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-watch-'))
    const dbPath = join(dir, 'sopflow.db')
    const state = join(dir, 'seen.json')
    let server = await startServer({ dbPath, port: 0, treeHeadIntervalMs: 100 })
    const token = server.adminToken
    const t = await call(server.url, token, 'POST', '/api/tickets', {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
    })
    await call(server.url, token, 'POST', `/api/tickets/${t.ticket.id}/notes`, { text: 'Called the bank' })
    expect(existsSync(join(dir, 'ledger-key.pem'))).toBe(true)
    let w = await watch(server.url, state, token)
    expect(w.out).toContain('is consistent with the 0 heads seen before')
    expect(w.code).toBe(0)
    await call(server.url, token, 'POST', `/api/tickets/${t.ticket.id}/notes`, { text: 'Refund promised' })
    w = await watch(server.url, state, token)
    expect(w.out).toMatch(/tree head of 3 records .* consistent with the 1 heads seen before/)
    await server.close()

    rewrite(dbPath, dir, (db) =>
      db
        .prepare("UPDATE audit SET payload = ? WHERE type = 'note' AND seq = 1")
        .run('{"text":"Nothing happened","visibility":"internal"}'),
    )
    server = await startServer({ dbPath, port: 0 })
    const verify = await call(server.url, token, 'GET', `/api/tickets/${t.ticket.id}/verify`)
    expect(verify.ok).toBe(true) // the rewrite is self-consistent inside the database…
    w = await watch(server.url, state, token)
    expect(w.code).toBe(1) // …but not with the head seen before
    expect(w.out).toContain('the ledger was rewritten: tree head of 3 records has root')
    await server.close()

    rewrite(dbPath, dir, (db) => db.prepare('DELETE FROM audit WHERE seq = 2').run())
    server = await startServer({ dbPath, port: 0 })
    w = await watch(server.url, state, token)
    expect(w.code).toBe(1)
    expect(w.out).toContain('the ledger was truncated: tree head of 2 records after one of 3 was seen')
    await server.close()
  }, 60_000)
})
