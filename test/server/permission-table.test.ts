import { describe, expect, it } from 'vitest'
import { PERMISSIONS, SCOPE_TEXT, SCOPES } from '../../server/auth/permissions.ts'
import { described, SPEC, specified } from './permissionSpec.ts'

/** The permission table itself, against the reviewed specification (the running server: permission-matrix). */
describe('the permission table', () => {
  it('the table says exactly what the reviewed specification says, for every operation', () => {
    const fromTable = Object.fromEntries(
      PERMISSIONS.map((r) => [`${r.method} ${r.path}`, described(r.method, r.path)]),
    )
    const fromSpec = Object.fromEntries(Object.keys(SPEC).map((k) => [k, specified(k)]))
    expect(fromTable).toEqual(fromSpec)
  })

  it('no request path can match two entries of the table, so the guard and the router agree on the route', () => {
    const segments = (p: string) => p.split('/').filter(Boolean)
    const overlap = (a: string, b: string) => {
      const [x, y] = [segments(a), segments(b)]
      return (
        x.length === y.length && x.every((s, i) => s === y[i] || s.startsWith('{') || y[i].startsWith('{'))
      )
    }
    // Two entries may overlap only where they say the same: the guard's answer is then the same
    // whichever of them the router takes (e.g. `/api/channels/held` beside `/api/channels/{id}`).
    const samePermission = (a: (typeof PERMISSIONS)[number], b: (typeof PERMISSIONS)[number]) =>
      JSON.stringify([a.roles, a.scopes, a.ownership]) === JSON.stringify([b.roles, b.scopes, b.ownership])
    const clashes: string[] = []
    PERMISSIONS.forEach((a, i) => {
      for (const b of PERMISSIONS.slice(i + 1))
        if (a.method === b.method && overlap(a.path, b.path) && !samePermission(a, b))
          clashes.push(`${a.method} ${a.path} ~ ${b.path}`)
    })
    expect(clashes).toEqual([])
  })

  it('describes every token scope in words, each differently', () => {
    expect(Object.keys(SCOPE_TEXT)).toEqual([...SCOPES])
    const texts = Object.values(SCOPE_TEXT)
    for (const text of texts) expect(text.length).toBeGreaterThan(20)
    expect(new Set(texts).size).toBe(SCOPES.length)
  })
})
