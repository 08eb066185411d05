import pg from 'pg'
import type { Notice, NoticeHub } from './notifications.ts'

/** The PostgreSQL channel the servers on one database pass notices on. */
export const NOTICE_CHANNEL = 'sopflow_notices'
/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const MAX_PAYLOAD = 7900

export interface NoticeRelay {
  close(): Promise<void>
}

/**
 * Relays the bell's live notices between the servers on one PostgreSQL database with LISTEN and
 * NOTIFY: a notice published on any server is NOTIFYed, and every server (the sender too) hands
 * what it hears to its own streams. The listening connection is its own (not from the pool) and
 * is opened again when it drops; a notice sent while it was down is in the bell when next read.
 */
export async function startPgNoticeRelay(
  url: string,
  pool: pg.Pool,
  hub: NoticeHub,
  log: (line: string) => void = () => {},
): Promise<NoticeRelay> {
  let closed = false
  let client: pg.Client | null = null
  let retry: NodeJS.Timeout | null = null

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
        hub.deliver(JSON.parse(msg.payload) as Notice)
      } catch (err) {
        log(`notices: an unreadable relayed notice: ${(err as Error).message}`)
      }
    })
    const dropped = () => {
      if (client !== c) return
      client = null
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
  }

  await connect()
  hub.relayThrough(async (n) => {
    const payload = JSON.stringify(n)
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      log(`notices: notice ${n.id} is too large to relay; only this server's streams get it live`)
      hub.deliver(n)
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
