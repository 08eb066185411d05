import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { TicketCommit } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'

/** A real SQLite storage whose ticket commits run in the writer thread. */
async function writerStorage() {
  const path = join(mkdtempSync(join(tmpdir(), 'sopflow-writer-')), 'db.sqlite')
  const storage = new SqliteStorage(path, { writerThread: true })
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  return { storage, admin, version }
}

describe('the writer thread', () => {
  let close: (() => Promise<void>) | null = null
  afterEach(async () => {
    await close?.()
    close = null
  })

  it('writes every unit of a batch, the last one included, and answers each at its own place', async () => {
    const s = await writerStorage()
    close = () => s.storage.close()
    const units = Array.from({ length: 7 }, (_, i) => newTicket(`t_w${i}`, s.version, s.admin.id))
    const outcomes = await s.storage.commitTickets(units)
    expect(outcomes).toHaveLength(7)
    expect(outcomes.every((o) => o.ok)).toBe(true)
    for (let i = 0; i < 7; i++) {
      expect((await s.storage.getTicket(`t_w${i}`))?.version).toBe(1)
      expect((await s.storage.getAudit(`t_w${i}`)).map((a) => a.type)).toEqual(['created'])
    }
  })

  it('reports a stale unit in the middle of a batch at its place and writes the units around it', async () => {
    const s = await writerStorage()
    close = () => s.storage.close()
    await s.storage.commitTickets([
      newTicket('t_a', s.version, s.admin.id),
      newTicket('t_b', s.version, s.admin.id),
    ])
    const a = (await s.storage.getTicket('t_a'))!
    const b = (await s.storage.getTicket('t_b'))!
    const units: TicketCommit[] = [
      touch(a, 1, 'first', s.admin.id),
      touch(b, 5, 'stale', s.admin.id),
      touch(b, 1, 'last', s.admin.id),
    ]
    const outcomes = await s.storage.commitTickets(units)
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true])
    expect(outcomes[1].ok ? '' : outcomes[1].error.message).toContain('version 1, not 5')
    expect((await s.storage.getTicket('t_a'))?.subject).toBe('first')
    expect((await s.storage.getTicket('t_b'))?.subject).toBe('last')
    const notes = await s.storage.getAudit('t_b', ['note'])
    expect(notes.map((n) => (n.payload as { text: string }).text)).toEqual(['last'])
    // Every record of the batch took its own leaf of the ledger, in order.
    const leaves = [...(await s.storage.getAudit('t_a')), ...(await s.storage.getAudit('t_b'))].map(
      (r) => r.leaf,
    )
    expect(new Set(leaves).size).toBe(leaves.length)
  })

  it("stores a message's raw bytes, and null columns left out of a row, as the objects carried them", async () => {
    const s = await writerStorage()
    close = () => s.storage.close()
    await s.storage.channels.createConnection({
      id: 'conn_1',
      kind: 'webhook',
      name: 'Chat',
      address: 'chat',
      channel: 'chat',
      sopId: fixture.id,
      queue: null,
      priority: 'normal',
      secret: null,
      settings: {},
      enabled: true,
      createdAt: NOW,
      updatedAt: NOW,
    })
    const unit = newTicket('t_m', s.version, s.admin.id)
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13])
    unit.messages = [
      {
        message: {
          id: 'msg_1',
          connectionId: 'conn_1',
          ticketId: 't_m',
          followsTicketId: null,
          direction: 'in',
          channel: 'chat',
          status: 'opened',
          sender: '@hoa',
          senderName: null,
          subject: 'Hello',
          text: 'Hello',
          html: null,
          externalId: null,
          conversationId: null,
          refs: ['a@b'],
          raw: bytes,
          at: NOW,
        },
        attachments: [],
      },
    ]
    const [outcome] = await s.storage.commitTickets([unit])
    expect(outcome.ok).toBe(true)
    const row = s.storage.db.prepare('SELECT raw, refs FROM channel_messages WHERE id = ?').get('msg_1') as {
      raw: Buffer
      refs: string
    }
    expect(Buffer.compare(row.raw, bytes)).toBe(0)
    expect(JSON.parse(row.refs)).toEqual(['a@b'])
    // The fixture's ticket has no number field: it is stored as null, not refused as missing.
    expect(
      (s.storage.db.prepare('SELECT number FROM tickets WHERE id = ?').get('t_m') as { number: unknown })
        .number,
    ).toBe(null)
  })
})
