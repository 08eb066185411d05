import { afterEach, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { setup } from './helpers.ts'
import { busyTicket, type Ctx } from './ledgerFixture.ts'
import { oldInstallation } from './oldInstallation.ts'

let ctx: Ctx
afterEach(async () => ctx?.storage.close())

const evidence = async (id: string) => {
  const res = await ctx.sopflow.app.request(`/api/tickets/${id}/evidence`, {
    headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
  })
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

/** Writes to the database as someone with access to it would, around the append-only triggers. */
function tamper(sql: string, ...args: unknown[]) {
  const db = ctx.storage.db
  db.exec('DROP TRIGGER IF EXISTS audit_append_only_update')
  db.prepare(sql).run(...args)
}

describe('the ticket row is evidence', () => {
  it('verifies a ticket with every kind of record, a refused attempt included, and serves it unflagged', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const history = await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.auditor)
    expect(history.body.map((h: { type: string }) => h.type)).toEqual([
      'created',
      'rejected',
      'assignment',
      'transition',
      'note',
    ])
    expect(history.body[1].payload.rejection.code).toBe('missing_fields')
    const v = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(v.body).toMatchObject({ ok: true, ticket: { ok: true }, ledger: { ok: true }, problems: [] })
    const got = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(got.body.integrity).toEqual({ ok: true, problems: [] })
  })

  it('names a row changed without a record: "ticket status is closed, but the history ends open at step …"', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    ctx.storage.db.prepare("UPDATE tickets SET status = 'closed', outcome = 'resolved' WHERE id = ?").run(id)
    const v = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(v.status).toBe(200)
    expect(v.body.ok).toBe(false)
    expect(v.body.problems).toContain(
      'ticket status is closed, but the history ends open at step Identify the customer',
    )
    const got = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(got.body.integrity.ok).toBe(false)
    expect(got.body.integrity.problems.join('\n')).toContain('ticket outcome is resolved')
  })

  it('detects a change of every column of the ticket row', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const row = ctx.storage.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id) as Record<
      string,
      unknown
    >
    const changed: Record<string, unknown> = {
      sop_id: 'complaint-handling',
      sop_version: 2,
      sop_hash: 'a'.repeat(64),
      channel: 'email',
      customer_id: 'c_other',
      subject: 'Something else',
      status: 'closed',
      outcome: 'resolved',
      priority: 'urgent',
      priority_rank: 3,
      assignee_id: ctx.users.supervisor,
      queue: 'tier2',
      version: 9,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
      closed_at: '2026-03-02T09:00:00.000Z',
      due_at: '2027-01-01T00:00:00.000Z',
      steps: '["close_out"]',
      state: (row.state as string).replace('Card payment charged twice', 'Card payment charged once'),
      audit_seq: 4,
      audit_head: 'b'.repeat(64),
      number: 4242,
    }
    ctx.storage.db.pragma('foreign_keys = OFF')
    for (const column of [...Object.keys(row).filter((c) => c !== 'id'), 'id']) {
      const value = column === 'id' ? 't_other' : changed[column]
      expect(value, column).not.toEqual(row[column])
      ctx.storage.db.prepare(`UPDATE tickets SET ${column} = ? WHERE id = ?`).run(value, id)
      const target = column === 'id' ? 't_other' : id
      const v = await ctx.call('GET', `/api/tickets/${target}/verify`, ctx.tokens.auditor)
      expect(v.status, column).toBe(200)
      expect(v.body.ok, column).toBe(false)
      ctx.storage.db.prepare(`UPDATE tickets SET ${column} = ? WHERE id = ?`).run(row[column], target)
      expect((await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)).body.ok, column).toBe(
        true,
      )
    }
  })

  it('detects a change of every column of every audit record', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const rows = ctx.storage.db
      .prepare('SELECT * FROM audit WHERE ticket_id = ? ORDER BY seq')
      .all(id) as Record<string, unknown>[]
    const other = (column: string, value: unknown): unknown => {
      if (column === 'seq') return 99
      if (column === 'leaf') return (value as number) === 0 ? 1 : 0
      if (column === 'payload') return (value as string).replace('}', ',"x":1}')
      if (column === 'prev_hash') return 'c'.repeat(64)
      if (column === 'hash') return 'd'.repeat(64)
      if (column === 'type') return value === 'note' ? 'update' : 'note'
      return `${String(value)}x`
    }
    for (const r of rows) {
      for (const column of Object.keys(r)) {
        if (column === 'leaf') ctx.storage.db.exec('DROP INDEX IF EXISTS audit_leaf')
        tamper(
          `UPDATE audit SET ${column} = ? WHERE ticket_id = ? AND seq = ?`,
          other(column, r[column]),
          id,
          r.seq,
        )
        const v = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
        expect(v.status, `${r.seq}.${column}`).toBe(200)
        expect(v.body.ok, `${r.seq}.${column}`).toBe(false)
        const key = column === 'ticket_id' ? other(column, r[column]) : id
        const seq = column === 'seq' ? 99 : r.seq
        tamper(`UPDATE audit SET ${column} = ? WHERE ticket_id = ? AND seq = ?`, r[column], key, seq)
        expect((await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)).body.ok).toBe(true)
      }
    }
  })

  it('reports a record whose type was changed (note to update) by name over the API, never a 500', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    tamper("UPDATE audit SET type = 'update' WHERE ticket_id = ? AND type = 'note'", id)
    const v = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(v.status).toBe(200)
    expect(v.body.ok).toBe(false)
    expect(v.body.problems).toContain(
      'hash chain broken at record 4: record 4 was changed after it was written (its hash does not match its content)',
    )
    expect(v.body.problems).toContain(
      'replay diverges at record 4: record 4 is of type update but holds no engine record (its payload is not one)',
    )
    const e = await ctx.call('GET', `/api/tickets/${id}/evidence`, ctx.tokens.auditor)
    expect(e.status).toBe(200)
    const check = checkBundle(Buffer.from(JSON.stringify(e.body)))
    expect(check.ok).toBe(false)
    expect(check.problems.join('\n')).toContain('record 4 is of type update but holds no engine record')
    const got = await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.agent)
    expect(got.status).toBe(200)
    expect(got.body.integrity.ok).toBe(false)
  })
})

describe('evidence bundle v2', () => {
  it('verifies a real bundle, and detects every single-byte change at every position', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const bytes = await evidence(id)
    const good = checkBundle(bytes)
    expect(good.problems).toEqual([])
    expect(good.ok).toBe(true)
    let detected = 0
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes)
      changed[i] = (changed[i] + 1) % 256
      if (!checkBundle(changed, { quick: true }).ok) detected++
    }
    expect(detected).toBe(bytes.length)
  }, 300_000)

  it('names a changed summary, a relabelled ticket, a changed SOP document and an extra member', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const bundle = JSON.parse((await evidence(id)).toString('utf8'))
    const variant = (change: (b: any) => void) => {
      const b = structuredClone(bundle)
      change(b)
      return checkBundle(Buffer.from(canonicalJson(b))).problems.join('\n')
    }
    expect(variant((b) => (b.ticket.status = 'closed'))).toContain(
      'ticket status is closed, but the history ends open at step Identify the customer',
    )
    expect(variant((b) => (b.ticket.fields.customer_name = 'X'))).toContain('ticket field values are')
    expect(variant((b) => (b.ticket.id = 't_other'))).toContain('belongs to ticket')
    const doc = JSON.parse(bundle.sop.document)
    doc.steps[0].approvedBy = 'the CEO'
    expect(
      variant((b) => {
        b.sop.document = JSON.stringify(doc)
      }),
    ).toContain('the SOP document does not match its hash')
    expect(variant((b) => (b.ticket.extra = 1))).toContain('Unrecognized key')
    expect(variant((b) => (b.exportedBy = 'u_someone'))).toContain('the bundle signature does not verify')
    expect(checkBundle(Buffer.from(JSON.stringify(bundle, null, 1))).problems[0]).toContain(
      'not in canonical form',
    )
  })
})

describe('ledger routes', () => {
  it('serve the signed head, inclusion and consistency proofs that verify (against the current head unless a size is named), and the key; only to signed-in users', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const first = await ctx.call('GET', '/api/ledger/head', ctx.tokens.auditor)
    expect(first.status).toBe(200)
    expect(first.body.size).toBe(5)
    await ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, { text: 'More' })
    const head = (await ctx.call('GET', '/api/ledger/head', ctx.tokens.auditor)).body
    expect(head.size).toBe(6)
    const keys = (await ctx.call('GET', '/api/keys', ctx.tokens.auditor)).body
    expect(keys[0]).toMatchObject({ keyId: head.keyId, algorithm: 'Ed25519' })
    const history = (await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.auditor)).body
    const p = await ctx.call(
      'GET',
      `/api/ledger/proof/inclusion?leaf=2&size=${head.size}`,
      ctx.tokens.auditor,
    )
    expect(p.body.record).toEqual({ ticketId: id, seq: 2, hash: history[2].hash })
    const { fromHex, leafHash, verifyConsistency, verifyInclusion } = await import('../../engine/index.ts')
    const proof = p.body.proof.map((h: string) => fromHex(h)!)
    expect(verifyInclusion(2, 6, leafHash(fromHex(history[2].hash)!), proof, fromHex(head.root)!)).toBe(true)
    const c = await ctx.call('GET', `/api/ledger/proof/consistency?from=5&to=6`, ctx.tokens.auditor)
    const cp = c.body.proof.map((h: string) => fromHex(h)!)
    expect(verifyConsistency(5, 6, fromHex(first.body.root)!, fromHex(head.root)!, cp)).toBe(true)
    // Without a size (or an end), a proof is against the current head.
    expect((await ctx.call('GET', '/api/ledger/proof/inclusion?leaf=2', ctx.tokens.auditor)).body).toEqual(
      p.body,
    )
    expect((await ctx.call('GET', '/api/ledger/proof/consistency?from=5', ctx.tokens.auditor)).body).toEqual(
      c.body,
    )
    expect(
      (await ctx.call('GET', '/api/ledger/proof/inclusion?leaf=9&size=6', ctx.tokens.auditor)).status,
    ).toBe(422)
    expect((await ctx.call('GET', '/api/ledger/proof/consistency?from=x', ctx.tokens.auditor)).status).toBe(
      400,
    )
    expect((await ctx.call('GET', '/api/ledger/head', null)).status).toBe(401)
    expect((await ctx.call('GET', '/api/keys', null)).status).toBe(401)
  })
})

describe('upgrade to the ledger', () => {
  it('adds the records of an existing installation to the ledger once, and they verify as before', async () => {
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { SqliteStorage } = await import('../../server/storage/sqlite.ts')
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-upgrade-')), 'old.db')
    ctx = await setup({ path })
    const id = await busyTicket(ctx)
    const before = (await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)).body
    expect(before.ok).toBe(true)
    await ctx.storage.close()
    // The same data in the schema before the ledger, with the SOP stored as it used to be (not
    // canonical).
    const { default: Database } = await import('better-sqlite3')
    const old = oldInstallation(path, 3)
    const db = new Database(old)
    db.exec('DROP TRIGGER sop_versions_immutable_update')
    const v = db.prepare('SELECT sop_id, version, document FROM sop_versions').get() as any
    const doc = JSON.parse(v.document)
    const reordered = JSON.stringify({ title: doc.title, ...doc })
    expect(reordered).not.toBe(v.document)
    db.prepare('UPDATE sop_versions SET document = ? WHERE sop_id = ? AND version = ?').run(
      reordered,
      v.sop_id,
      v.version,
    )
    db.close()
    const { createApp } = await import('../../server/app.ts')
    const storage = new SqliteStorage(old)
    const app = createApp({ storage })
    const upgraded = storage.db
    expect(upgraded.prepare('SELECT count(*) FROM ledger_nodes WHERE level = 0').pluck().get()).toBe(5)
    expect(upgraded.prepare('SELECT count(*) FROM audit WHERE leaf IS NULL').pluck().get()).toBe(0)
    const after = await app.tickets.verify(id)
    expect(after.problems).toEqual([])
    expect(after).toMatchObject({
      ok: true,
      chain: before.chain,
      replay: before.replay,
      ledger: { ok: true },
    })
    const t = (await storage.getTicket(id))!
    expect(
      checkBundle(Buffer.from(await app.tickets.evidence(t, { id: 'u_auditor' } as never))).problems,
    ).toEqual([])
    await storage.close()
    const again = new SqliteStorage(old)
    expect(again.db.prepare('SELECT count(*) FROM ledger_nodes WHERE level = 0').pluck().get()).toBe(5)
    await again.close()
  })
})
