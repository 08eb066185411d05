import type { MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import { Problem } from '../http/problem.ts'
import type { Storage } from '../storage/types.ts'
import type { Auth } from './auth.ts'
import { authenticate } from './authenticate.ts'
import type { AppEnv } from './identity.ts'
import { decide, findPermission, type Permission, pathPattern } from './permissions.ts'

export interface RouteInfo {
  method: string
  path: string
}

/**
 * The one guard in front of every API route: it finds the route's entry in the permission table,
 * lets public routes through, authenticates the rest and answers 403 when the role or the token's
 * scopes do not cover the route. A route the app has but the table lacks is refused to everyone.
 * `routes` lists the app's own routes (method and Hono path), read once at the first request.
 */
export function permissionGuard(
  storage: Storage,
  auth: Auth,
  clock: () => Date,
  routes: () => RouteInfo[],
): MiddlewareHandler<AppEnv> {
  const signIn = authenticate(storage, auth, clock)
  let known: { method: string; re: RegExp }[] | null = null
  const appHas = (method: string, path: string) => {
    known ??= routes()
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => ({ method: r.method, re: pathPattern(r.path) }))
    const m = method === 'HEAD' ? 'GET' : method
    return known.some((r) => r.method === m && r.re.test(path))
  }
  return createMiddleware<AppEnv>(async (c, next) => {
    const rule = findPermission(c.req.method, c.req.path)
    if (rule?.roles === 'public' || rule?.roles === 'session') return next()
    await signIn(c, async () => {
      if (!rule) {
        if (appHas(c.req.method, c.req.path)) {
          throw new Problem(
            403,
            'not_in_permission_table',
            `${c.req.method} ${c.req.path} is not in the permission table, so no one may call it`,
            { params: { method: c.req.method, path: c.req.path } },
          )
        }
        return next()
      }
      check(rule, c.get('identity'))
      await next()
    })
  })
}

function check(rule: Permission, identity: AppEnv['Variables']['identity']): void {
  const { role } = identity.user
  const answer = decide(rule, role, identity.scopes)
  if (answer === 'role') {
    const roles = (rule.roles as readonly string[]).join(', ')
    throw new Problem(403, 'forbidden', `Your role (${role}) may not do this; it needs: ${roles}`, {
      params: { role, roles },
    })
  }
  if (answer === 'scope') {
    const scopes = rule.scopes.join(', ')
    throw new Problem(
      403,
      'scope_missing',
      `This token's scopes (${(identity.scopes ?? []).join(', ')}) do not cover this route; it needs one of: ${scopes}`,
      { params: { scopes, has: (identity.scopes ?? []).join(', ') } },
    )
  }
}
