import { Hono } from 'hono'
import type { AppEnv } from '../auth/identity.ts'
import { decide, PERMISSIONS, SCOPES } from '../auth/permissions.ts'

/** The permission table as it applies to the caller: each operation, and whether they may call it. */
export function permissionRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/', (c) => {
    const { user, via, scopes } = c.get('identity')
    return c.json({
      role: user.role,
      via,
      scopes: scopes ?? [...SCOPES],
      operations: PERMISSIONS.map((rule) => ({
        method: rule.method,
        path: rule.path,
        allowed: decide(rule, user.role, scopes) === 'allowed',
        ...(rule.ownership ? { ownership: true } : {}),
      })),
    })
  })
  return app
}
