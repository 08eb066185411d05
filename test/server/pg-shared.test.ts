import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AttachmentStore } from '../../server/channels/attachments.ts'
import { PgAttachmentContents, sharedLedgerKey } from '../../server/storage/pgShared.ts'
import { PgStorage } from '../../server/storage/postgres.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

/** What the servers on one PostgreSQL database share through it, seen from two connections. */
let pg: TestPostgres
let one: PgStorage
let two: PgStorage
beforeAll(async () => {
  pg = await startPostgres()
  const url = await pg.createDatabase()
  one = await PgStorage.open(url)
  two = await PgStorage.open(url)
}, 120_000)
afterAll(async () => {
  await one?.close()
  await two?.close()
  await pg?.stop()
}, 60_000)

const NOW = '2026-03-02T09:00:00.000Z'

describe('state shared on PostgreSQL', () => {
  it('gives every server starting at once the same ledger signing key, and keeps it unchanged', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, (_, i) => sharedLedgerKey((i % 2 ? two : one).db, NOW)),
    )
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(1)
    expect(new Set(keys.map((k) => k.publicKeyPem)).size).toBe(1)
    await expect(one.db.deleteFrom('ledger_signing_key').execute()).rejects.toThrow(/signing key is kept/)
    await expect(one.db.updateTable('ledger_signing_key').set({ key_id: 'x' }).execute()).rejects.toThrow(
      /signing key is kept/,
    )
    expect((await sharedLedgerKey(two.db, NOW)).keyId).toBe(keys[0].keyId)
  })

  it('frees at a start only the outbox leases that lapsed, never one a live server holds', async () => {
    const row = (id: string) => ({
      id,
      kind: 'webhook' as const,
      ticketId: null,
      event: 'ticket.created',
      target: 'http://127.0.0.1/in',
      subscriptionId: null,
      payload: {},
      createdAt: NOW,
      nextAt: NOW,
    })
    await one.outbox.enqueue([row('msg_lapsed'), row('msg_held')])
    expect((await one.outbox.lease(NOW, '2026-03-02T09:01:00.000Z', 1)).map((m) => m.id)).toEqual([
      'msg_lapsed',
    ])
    expect((await two.outbox.lease(NOW, '2026-03-02T09:30:00.000Z', 1)).map((m) => m.id)).toEqual([
      'msg_held',
    ])
    // The first server died; a server starting at 09:05 frees what it held, not what the other holds.
    expect(await one.outbox.release('2026-03-02T09:05:00.000Z')).toBe(1)
    expect((await two.outbox.get('msg_lapsed'))?.status).toBe('queued')
    expect(await two.outbox.get('msg_held')).toMatchObject({
      status: 'sending',
      leaseUntil: '2026-03-02T09:30:00.000Z',
    })
  })

  it('keeps attachment contents in the database, readable through another connection, and no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-pg-contents-'))
    try {
      const a = new AttachmentStore(dir, {}, new PgAttachmentContents(one.db))
      const b = new AttachmentStore(join(dir, 'elsewhere'), {}, new PgAttachmentContents(two.db))
      const content = Buffer.from([0, 1, 2, 255, 254, 10, 13])
      const rows = await a.save('msg_1', [
        { filename: 'scan.png', contentType: 'image/png', content },
        { filename: 'again.png', contentType: 'image/png', content },
      ])
      expect(rows[0].sha256).toBe(rows[1].sha256)
      expect(await b.read(rows[0].sha256!)).toEqual(content)
      expect(existsSync(join(dir, rows[0].sha256!.slice(0, 2)))).toBe(false)
      const stored = await one.db.selectFrom('attachment_contents').select('size').execute()
      expect(stored).toEqual([{ size: content.length }])
      await expect(b.read('0'.repeat(64))).rejects.toThrow(/no stored content/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  /**
   * Many claims at once from two storages (two servers' pools) until nothing due is left: each
   * item is in exactly one claim's answer.
   */
  async function claimAll<T>(
    claim: (s: PgStorage) => Promise<T[]>,
    key: (t: T) => string,
  ): Promise<string[][]> {
    const answers: string[][] = []
    for (let round = 0; round < 20; round++) {
      const got = await Promise.all(Array.from({ length: 12 }, (_, i) => claim(i % 2 ? two : one)))
      const ids = got.map((g) => g.map(key))
      answers.push(...ids)
      if (ids.every((a) => a.length === 0)) break
    }
    return answers
  }

  it('hands each due timer to one claim only when both servers claim many at once', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `tm_${String(i).padStart(3, '0')}`)
    await one.db
      .insertInto('timers')
      .values(
        ids.map((id, i) => ({
          ticket_id: `t_claim_${i % 30}`,
          id,
          kind: 'after',
          step_id: 'waiting',
          transition_id: null,
          due_at: '2026-03-02T08:00:00.000Z',
        })),
      )
      .execute()
    const answers = await claimAll(
      (s) => s.claimTimers(NOW, '2026-03-02T09:10:00.000Z', 25),
      (t) => t.id,
    )
    const claimed = answers.flat()
    expect(claimed.length).toBe(new Set(claimed).size)
    expect([...claimed].sort()).toEqual(ids)
  })

  it('leases each due outbox message to one server only when both lease many at once', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `msg_many_${String(i).padStart(3, '0')}`)
    await one.outbox.enqueue(
      ids.map((id) => ({
        id,
        kind: 'webhook' as const,
        ticketId: null,
        event: 'ticket.created',
        target: 'http://127.0.0.1/in',
        subscriptionId: null,
        payload: {},
        createdAt: NOW,
        nextAt: '2026-03-02T08:00:00.000Z',
      })),
    )
    const answers = await claimAll(
      (s) => s.outbox.lease(NOW, '2026-03-02T09:10:00.000Z', 25),
      (m) => m.id,
    )
    const leased = answers.flat().filter((id) => id.startsWith('msg_many_'))
    expect(leased.length).toBe(new Set(leased).size)
    expect([...leased].sort()).toEqual(ids)
  })
})
