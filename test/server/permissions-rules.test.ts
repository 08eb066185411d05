import { describe, expect, it } from 'vitest'
import {
  decide,
  findPermission,
  type Permission,
  pathPattern,
  permissionOf,
} from '../../server/auth/permissions.ts'

const rule = (roles: Permission['roles'], scopes: Permission['scopes']): Permission => ({
  method: 'GET',
  path: '/api/x',
  roles,
  scopes,
})

describe('permission table rules', () => {
  it('lets anyone through a public or a session route, whatever the role and the scopes', () => {
    expect(decide(rule('public', ['admin']), 'nobody', [])).toBe('allowed')
    expect(decide(rule('session', ['admin']), 'nobody', ['read'])).toBe('allowed')
  })

  it("refuses a role the route does not list, before looking at the token's scopes", () => {
    expect(decide(rule(['supervisor', 'admin'], ['read']), 'agent', null)).toBe('role')
    expect(decide(rule(['supervisor', 'admin'], ['read']), 'agent', ['read'])).toBe('role')
  })

  it('a session (no scopes) has all its role allows; a token needs one of the scopes listed', () => {
    const r = rule(['agent'], ['tickets', 'ingest'])
    expect(decide(r, 'agent', null)).toBe('allowed')
    expect(decide(r, 'agent', ['read', 'ingest'])).toBe('allowed')
    expect(decide(r, 'agent', ['read'])).toBe('scope')
    expect(decide(r, 'agent', [])).toBe('scope')
  })

  it('turns an OpenAPI or a Hono path into a pattern that matches the whole request path', () => {
    for (const p of ['/api/tickets/{id}/notes', '/api/tickets/:id/notes']) {
      const re = pathPattern(p)
      expect(re.test('/api/tickets/t_1/notes')).toBe(true)
      expect(re.test('/api/tickets/t_1/notes/')).toBe(true)
      expect(re.test('/api/tickets//notes')).toBe(false)
      expect(re.test('/api/tickets/a/b/notes')).toBe(false)
      expect(re.test('/x/api/tickets/t_1/notes')).toBe(false)
      expect(re.test('/api/tickets/t_1/notes/more')).toBe(false)
    }
    expect(pathPattern('/api/openapi.json').test('/api/openapiXjson')).toBe(false)
    expect(pathPattern('/api/openapi.json').test('/api/openapi.json')).toBe(true)
    // Only a whole segment in braces or after a colon is a parameter.
    expect(pathPattern('/api/a{id}').test('/api/ab')).toBe(false)
    expect(pathPattern('/api/a{id}').test('/api/a{id}')).toBe(true)
    expect(pathPattern('/api/x:id').test('/api/x:id')).toBe(true)
    expect(pathPattern('/api/x:id').test('/api/xy')).toBe(false)
    expect(pathPattern('/api/{a-b}').test('/api/{a-b}')).toBe(true)
    expect(pathPattern('/api/{a-b}').test('/api/zz')).toBe(false)
    // Nothing may follow the parameter's name within its segment.
    expect(pathPattern('/api/{id}x').test('/api/zz')).toBe(false)
    expect(pathPattern('/api/{id}x').test('/api/{id}x')).toBe(true)
    expect(pathPattern('/api/:a-b').test('/api/zz')).toBe(false)
    expect(pathPattern('/api/:a-b').test('/api/:a-b')).toBe(true)
  })

  it('finds the entry for a request, a GET serving HEAD, and the most specific when two match', () => {
    expect(findPermission('GET', '/api/tickets/t_1')?.path).toBe('/api/tickets/{id}')
    expect(findPermission('HEAD', '/api/tickets/t_1')?.path).toBe('/api/tickets/{id}')
    expect(findPermission('DELETE', '/api/tickets/t_1')).toBeNull()
    expect(findPermission('GET', '/api/nothing-here')).toBeNull()
    expect(findPermission('POST', '/api/tickets/t_1/notes')?.ownership).toBe(true)
    expect(findPermission('GET', '/api/channels/held')?.path).toBe('/api/channels/held')
    expect(findPermission('GET', '/api/channels/c_1')?.path).toBe('/api/channels/{id}')
  })

  it('looks an operation up exactly, in any case of the method', () => {
    expect(permissionOf('get', '/api/tickets/{id}')?.roles).toContain('auditor')
    expect(permissionOf('GET', '/api/tickets/:id')).toBeNull()
    expect(permissionOf('PUT', '/api/tickets/{id}')).toBeNull()
  })
})
