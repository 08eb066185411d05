import pg from 'pg'
import { type Notice, type NoticeHub, toNotice } from './notifications.ts'

/** The PostgreSQL channel the servers on one database pass notices on. */
export const NOTICE_CHANNEL = 'sopflow_notices'
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7900
/**
 * After the listening connection comes back, unread notices written this long before it dropped
 * and since are handed to the streams again (those already handed out are skipped by id): the
 * margin covers clocks of the servers that differ by up to this much.
 */
const REPLAY_MARGIN_MS = 60_000
/** At most this many notices are handed out again after one reconnection. */
const REPLAY_LIMIT = 1000
/** The ids of notices handed out lately, remembered so that a replay repeats none. */
const REMEMBERED = 10_000

export interface NoticeRelay {
  close(): Promise<void>
}

/**
 * Relays the bell's live notices between the servers on one PostgreSQL database with LISTEN and
 * NOTIFY: a notice published on any server is NOTIFYed, and every server (the sender too) hands
 * what it hears to its own streams. The listening connection is its own (not from the pool) and
 * is opened again when it drops; once it listens again, the unread notices written while it was
 * down are read from the notifications table and handed to the streams, so none is missed live.
 */
export async function startPgNoticeRelay(
  url: string,
  pool: pg.Pool,
  hub: NoticeHub,
  log: (line: string) => void = () => {},
  clock: () => Date = () => new Date(),
): Promise<NoticeRelay> {
  let closed = false
  let client: pg.Client | null = null
  let retry: NodeJS.Timeout | null = null
  /** When the listening connection dropped; null while it listens. */
  let lostAt: Date | null = null
  const handedOut = new Set<string>()

  const handOut = (n: Notice) => {
    if (handedOut.has(n.id)) return
    handedOut.add(n.id)
    if (handedOut.size > REMEMBERED) handedOut.delete(handedOut.values().next().value as string)
    hub.deliver(n)
  }

  /** Hands out the unread notices written since shortly before the connection dropped. */
  const replay = async (since: Date) => {
    const from = new Date(since.getTime() - REPLAY_MARGIN_MS).toISOString()
    const r = await pool.query(
      'SELECT * FROM notifications WHERE created_at >= $1 AND read_at IS NULL ORDER BY created_at, id LIMIT $2',
      [from, REPLAY_LIMIT],
    )
    for (const row of r.rows) handOut(toNotice(row))
  }

  const later = () => {
    if (closed || retry) return
    retry = setTimeout(() => {
      retry = null
      connect().catch((err) => {
        log(`notices: cannot listen for the other servers' notices: ${(err as Error).message}`)
        later()
      })
    }, 1000)
    retry.unref?.()
  }

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url })
    c.on('notification', (msg) => {
      if (msg.channel !== NOTICE_CHANNEL || !msg.payload) return
      try {
        handOut(JSON.parse(msg.payload) as Notice)
      } catch (err) {
        log(`notices: an unreadable relayed notice: ${(err as Error).message}`)
      }
    })
    const dropped = () => {
      if (client !== c) return
      client = null
      lostAt = clock()
      c.end().catch(() => {})
      later()
    }
    c.on('error', dropped)
    c.on('end', dropped)
    try {
      await c.connect()
      await c.query(`LISTEN ${NOTICE_CHANNEL}`)
    } catch (err) {
      c.end().catch(() => {})
      throw err
    }
    if (closed) {
      await c.end().catch(() => {})
      return
    }
    client = c
    const since = lostAt
    lostAt = null
    if (since)
      await replay(since).catch((err) => {
        log(`notices: cannot hand out the notices sent while not listening: ${(err as Error).message}`)
      })
  }

  await connect()
  hub.relayThrough(async (n) => {
    const payload = JSON.stringify(n)
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      log(`notices: notice ${n.id} is too large to relay; only this server's streams get it live`)
      handOut(n)
      return
    }
    await pool.query('SELECT pg_notify($1, $2)', [NOTICE_CHANNEL, payload])
  })
  return {
    async close() {
      closed = true
      hub.relayThrough(null)
      if (retry) clearTimeout(retry)
      const c = client
      client = null
      await c?.end().catch(() => {})
    },
  }
}
