import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, parse } from '../http/problem.ts'
import type { Clock } from '../services/tickets.ts'
import type { Notice, NoticeHub, NoticeStore } from './notifications.ts'

export const readBody = z.object({ ids: z.array(z.string().min(1)).max(500).optional() }).strict()
export const settingsBody = z
  .object({ email: z.string().trim().email().max(320).nullable(), emailOn: z.boolean() })
  .strict()

/** The signed-in user's notices (the bell), their live stream and their e-mail setting. */
export function notificationRoutes(store: NoticeStore, hub: NoticeHub, clock: Clock) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const id = c.get('user').id
    return c.json({ unread: await store.unread(id), items: await store.list(id, 50) })
  })
  app.post('/read', async (c) => {
    const body = parse(readBody, await jsonBody(c))
    const id = c.get('user').id
    await store.markRead(id, body.ids ?? null, clock().toISOString())
    return c.json({ unread: await store.unread(id) })
  })
  app.get('/settings', async (c) => c.json(await store.settings(c.get('user').id)))
  app.put('/settings', async (c) => {
    const body = parse(settingsBody, await jsonBody(c))
    await store.saveSettings(c.get('user').id, body)
    return c.json(await store.settings(c.get('user').id))
  })
  // Server-sent events: `unread` with the count at once, then `notice` with each new notice.
  app.get('/stream', (c) => {
    const id = c.get('user').id
    return streamSSE(c, async (stream) => {
      const queue: Notice[] = []
      let wake: (() => void) | null = null
      const stop = hub.listen(id, (n) => {
        queue.push(n)
        wake?.()
      })
      stream.onAbort(() => {
        stop()
        wake?.()
      })
      await stream.writeSSE({ event: 'unread', data: JSON.stringify({ unread: await store.unread(id) }) })
      while (!stream.aborted) {
        const next = queue.shift()
        if (next) {
          await stream.writeSSE({
            event: 'notice',
            data: JSON.stringify({ notice: next, unread: await store.unread(id) }),
          })
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
