import { Hono } from 'hono'
import type { AppEnv } from '../auth/identity.ts'
import { parse } from '../http/problem.ts'
import type { Storage } from '../storage/types.ts'
import { accessSchemas } from './schemas.ts'

/** The admin-actions log, newest first, with the actors' names (/api/admin-log). */
export function adminLogRoutes(storage: Storage) {
  const app = new Hono<AppEnv>()
  app.get('/', async (c) => {
    const q = parse(accessSchemas.adminLogQuery, c.req.query(), 'query')
    const [page, users] = await Promise.all([
      storage.access.listAdminLog({ limit: q.limit, offset: q.offset, action: q.action, targetId: q.target }),
      storage.listUsers(),
    ])
    const names = new Map(users.map((u) => [u.id, u.name]))
    return c.json({
      total: page.total,
      items: page.items.map((e) => ({
        ...e,
        actorName: names.get(e.actorId) ?? e.actorId,
        targetName: names.get(e.targetId) ?? nameIn(e.after) ?? nameIn(e.before) ?? e.targetId,
      })),
    })
  })
  return app
}

const nameIn = (v: unknown): string | null =>
  v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string'
    ? (v as { name: string }).name
    : null
