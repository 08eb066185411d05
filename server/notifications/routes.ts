import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { NoticeHub, NoticeStore } from './notifications.ts'

export const readBody = z.object({ ids: z.array(z.string().min(1)).max(500).optional() }).strict()
export const settingsBody = z
  .object({ email: z.string().trim().email().max(320).nullable(), emailOn: z.boolean() })
  .strict()

/** The signed-in user's notices (the bell), their live stream and their e-mail setting. */
export function notificationRoutes(store: NoticeStore, hub: NoticeHub, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', (c) => {
    const id = c.get('user').id
    return c.json({ unread: store.unread(id), items: store.list(id, 50) })
  })
  app.post('/read', async (c) => {
    const body = parse(readBody, await jsonBody(c))
    const id = c.get('user').id
    store.markRead(id, body.ids ?? null, clock().toISOString())
    return c.json({ unread: store.unread(id) })
  })
  app.get('/settings', (c) => c.json(store.settings(c.get('user').id)))
  app.put('/settings', async (c) => {
    const body = parse(settingsBody, await jsonBody(c))
    store.saveSettings(c.get('user').id, body)
    return c.json(store.settings(c.get('user').id))
  })
  // Server-sent events: `unread` with the count at once, then `notice` with each new notice.
  app.get('/stream', (c) => {
    const id = c.get('user').id
    return streamSSE(c, async (stream) => {
      const queue: string[] = []
      let wake: (() => void) | null = null
      const stop = hub.listen(id, (n) => {
        queue.push(JSON.stringify({ notice: n, unread: store.unread(id) }))
        wake?.()
      })
      stream.onAbort(() => {
        stop()
        wake?.()
      })
      await stream.writeSSE({ event: 'unread', data: JSON.stringify({ unread: store.unread(id) }) })
      while (!stream.aborted) {
        const next = queue.shift()
        if (next) {
          await stream.writeSSE({ event: 'notice', data: next })
          continue
        }
        await new Promise<void>((ok) => {
          wake = ok
          setTimeout(ok, 15_000).unref?.()
        })
        wake = null
        if (!queue.length && !stream.aborted) await stream.write(': keep-alive\n\n')
      }
      stop()
    })
  })
  return app
}
