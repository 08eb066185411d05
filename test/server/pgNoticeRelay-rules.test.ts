import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Notice, NoticeHub } from '../../server/notifications/notifications.ts'
import {
  NOTICE_CHANNEL,
  type NoticeRelay,
  startPgNoticeRelay,
} from '../../server/notifications/pgNoticeRelay.ts'
import { PgStorage } from '../../server/storage/postgres.ts'
import { waitFor } from './childServer.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'

// The bell's live notices between servers on one PostgreSQL database (LISTEN/NOTIFY), in process
// against a real server: what reaches whose streams, once; what is too large or unreadable; and
// what is handed out after the listening connection drops and comes back.

let server: TestPostgres
const closing: (() => Promise<void>)[] = []

beforeAll(async () => {
  server = await startPostgres()
})
afterAll(async () => {
  for (const close of closing.reverse()) await close()
  await server.stop()
})

const T = new Date('2026-03-02T08:00:00.000Z')
const at = (ms: number) => new Date(T.getTime() + ms).toISOString()

const notice = (id: string, extra: Partial<Notice> = {}): Notice => ({
  id,
  userId: 'u1',
  ticketId: 't_1',
  kind: 'assigned',
  params: { ticket: 'T-1' },
  createdAt: T.toISOString(),
  readAt: null,
  ...extra,
})

/** A database with sopflow's schema, and `servers` hubs each relayed through it. */
async function servers(count: number) {
  const url = await server.createDatabase()
  const storage = await PgStorage.open(url, { poolSize: 4 })
  const hubs = await Promise.all(
    Array.from({ length: count }, async () => {
      const logs: string[] = []
      const got: string[] = []
      const hub = new NoticeHub()
      hub.listen('u1', (n) => got.push(n.id))
      const relay: NoticeRelay = await startPgNoticeRelay(
        url,
        storage.pool,
        hub,
        (l) => logs.push(l),
        () => T,
      )
      return { hub, relay, logs, got }
    }),
  )
  const close = async () => {
    for (const h of hubs) await h.relay.close()
    await storage.close()
  }
  closing.push(close)
  return {
    url,
    storage,
    hubs,
    query: (sql: string, values: unknown[] = []) => storage.pool.query(sql, values),
  }
}

const until = (what: () => boolean) =>
  waitFor(
    async () => what(),
    (done) => done,
  )
const settle = () => new Promise((r) => setTimeout(r, 300))

/** Ends the listening connections of this database, as a network failure or a restart would. */
async function dropListeners(query: (sql: string, values?: unknown[]) => Promise<unknown>, url: string) {
  const db = new URL(url).pathname.slice(1)
  await query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    [db],
  )
}

describe('PostgreSQL notice relay', () => {
  it('hands a notice published on one server to the streams of every server, the sender too, once each', async () => {
    const { hubs } = await servers(2)
    const [a, b] = hubs
    await a.hub.publish(notice('n1'))
    await until(() => a.got.length === 1 && b.got.length === 1)
    // The same notice again (a delivery repeated after a crash) is handed out to nobody again.
    await b.hub.publish(notice('n1'))
    await b.hub.publish(notice('n2'))
    await until(() => a.got.includes('n2') && b.got.includes('n2'))
    await settle()
    expect(a.got).toEqual(['n1', 'n2'])
    expect(b.got).toEqual(['n1', 'n2'])
    expect([...a.logs, ...b.logs]).toEqual([])
  })

  it('keeps a notice too large to relay to the streams of its own server, and says so', async () => {
    const { hubs } = await servers(2)
    const [a, b] = hubs
    const big = notice('n_big', { params: { text: 'x'.repeat(7900) } })
    await a.hub.publish(big)
    expect(a.got).toEqual(['n_big'])
    expect(a.logs).toEqual([
      "notices: notice n_big is too large to relay; only this server's streams get it live",
    ])
    // Just under the limit still goes through PostgreSQL to both.
    const fits = notice('n_fits', { params: { text: '' } })
    fits.params.text = 'x'.repeat(7900 - JSON.stringify(fits).length)
    expect(JSON.stringify(fits)).toHaveLength(7900)
    await a.hub.publish(fits)
    await until(() => b.got.includes('n_fits') && a.got.includes('n_fits'))
    expect(b.got).toEqual(['n_fits'])
    expect(a.logs).toHaveLength(1)
  })

  it('logs an unreadable payload on its channel and hands nothing out', async () => {
    const { hubs, query } = await servers(1)
    const [a] = hubs
    await query('SELECT pg_notify($1, $2)', [NOTICE_CHANNEL, '{not json'])
    await until(() => a.logs.length > 0)
    expect(a.logs[0]).toMatch(/^notices: an unreadable relayed notice: /)
    // An empty payload is ignored without a word.
    await query('SELECT pg_notify($1, $2)', [NOTICE_CHANNEL, ''])
    await settle()
    await a.hub.publish(notice('n_after'))
    await until(() => a.got.includes('n_after'))
    expect(a.got).toEqual(['n_after'])
    expect(a.logs).toHaveLength(1)
  })

  it('listens again after its connection drops and hands out the unread notices written meanwhile, once', async () => {
    const { hubs, query, url } = await servers(1)
    const [a] = hubs
    // Handed out live before the drop; it is in the table too, and is not handed out again.
    await a.hub.publish(notice('n_seen', { createdAt: at(-10_000) }))
    await until(() => a.got.includes('n_seen'))
    const insert = (id: string, createdAt: string, readAt: string | null = null) =>
      query(
        'INSERT INTO notifications (id, user_id, ticket_id, kind, params, created_at, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, 'u1', 't_1', 'assigned', '{"ticket":"T-1"}', createdAt, readAt],
      )
    await insert('n_seen', at(-10_000))
    await insert('n_old', at(-61_000)) // before the one-minute margin
    await insert('n_margin', at(-59_000)) // within it
    await insert('n_read', at(5_000), at(6_000)) // read meanwhile
    await insert('n_later', at(5_000))
    await dropListeners(query, url)
    await until(() => a.got.includes('n_later'))
    expect(a.got).toEqual(['n_seen', 'n_margin', 'n_later'])
    // Live again.
    await a.hub.publish(notice('n_live'))
    await until(() => a.got.includes('n_live'))
    expect(a.got).toEqual(['n_seen', 'n_margin', 'n_later', 'n_live'])
    expect(a.logs).toEqual([])
  })

  it('while the database refuses it, logs and tries again each second; a replay that fails is logged and listening goes on', async () => {
    const { hubs, query, url } = await servers(1)
    const [a] = hubs
    const db = new URL(url).pathname.slice(1)
    const admin = new pg.Client({ connectionString: server.url('postgres') })
    await admin.connect()
    closing.push(() => admin.end())
    await admin.query(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS false`)
    await dropListeners(query, url)
    await until(() => a.logs.length >= 2)
    expect(
      a.logs
        .slice(0, 2)
        .every((l) => l.startsWith("notices: cannot listen for the other servers' notices: ")),
    ).toBe(true)
    // The replay's table is gone when it comes back: logged, and live notices still arrive.
    await query('ALTER TABLE notifications RENAME TO notifications_away')
    await admin.query(`ALTER DATABASE "${db}" WITH ALLOW_CONNECTIONS true`)
    await until(() =>
      a.logs.some((l) => l.startsWith('notices: cannot hand out the notices sent while not listening: ')),
    )
    await query('ALTER TABLE notifications_away RENAME TO notifications')
    await a.hub.publish(notice('n_back'))
    await until(() => a.got.includes('n_back'))
    expect(a.got).toEqual(['n_back'])
  })

  it('once closed, relays nothing: its hub delivers to its own streams, and other servers’ notices no longer reach it', async () => {
    const { hubs, query, url } = await servers(2)
    const [a, b] = hubs
    await a.relay.close()
    await b.hub.publish(notice('n_from_b'))
    await until(() => b.got.includes('n_from_b'))
    await a.hub.publish(notice('n_local'))
    expect(a.got).toEqual(['n_local'])
    await settle()
    expect(b.got).toEqual(['n_from_b'])
    expect(a.got).toEqual(['n_local'])
    // Its listening connection is gone for good: only the other server's is left.
    await new Promise((r) => setTimeout(r, 1300))
    const db = new URL(url).pathname.slice(1)
    const listening = await query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'",
      [db],
    )
    expect((listening as { rows: { n: number }[] }).rows[0].n).toBe(1)
  })
})
