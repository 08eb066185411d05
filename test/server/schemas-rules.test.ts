import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { schemas } from '../../server/schemas.ts'

// The request schemas (server/schemas.ts) the routes validate with: each limit at its edge, what
// is trimmed, what defaults, and what is refused, with the field the refusal names.

const ok = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const r = schema.safeParse(value)
  if (!r.success) throw new Error(`refused: ${JSON.stringify(r.error.issues)}`)
  return r.data
}
/** The paths of the fields a refusal names (`[]` for the object itself). */
const refused = (schema: z.ZodType, value: unknown): string[] => {
  const r = schema.safeParse(value)
  if (r.success) throw new Error(`accepted: ${JSON.stringify(value)}`)
  return r.error.issues.map((i) => i.path.join('.'))
}
const chars = (n: number) => 'x'.repeat(n)

describe('request schemas', () => {
  it('takes a date or an instant with its zone in the metrics and audit filters, nothing looser', () => {
    for (const v of [
      '2026-03-02',
      '2026-03-02T08:00:00Z',
      '2026-03-02T08:00:00.000+07:00',
      '2026-03-02T08:00:00-05:00',
    ])
      expect(ok(schemas.metricsQuery, { from: v }).from, v).toBe(v)
    for (const v of [
      '2026-3-2',
      '2026-03-02T08:00:00',
      '2026-13-45',
      'yesterday',
      '2026-03-02x',
      'x2026-03-02',
      '',
    ])
      expect(refused(schemas.metricsQuery, { from: v }), v).toEqual(['from'])
    const r = schemas.auditQuery.safeParse({ to: 'soon' })
    expect(r.success ? null : r.error.issues[0].message).toBe(
      'must be a date (2026-03-02) or an ISO-8601 instant (2026-03-02T08:00:00Z)',
    )
    expect(ok(schemas.metricsQuery, { agentSurveys: 'include' }).agentSurveys).toBe('include')
    expect(ok(schemas.metricsQuery, { agentSurveys: 'exclude' }).agentSurveys).toBe('exclude')
    expect(refused(schemas.metricsQuery, { agentSurveys: 'all' })).toEqual(['agentSurveys'])
    expect(refused(schemas.metricsQuery, { version: '0' })).toEqual(['version'])
    expect(ok(schemas.metricsQuery, { version: '3' }).version).toBe(3)
  })

  it('needs the version a change was made at, a whole number from 0', () => {
    expect(ok(schemas.claim, { version: 0 })).toEqual({ version: 0 })
    for (const v of [-1, 1.5, '1', null])
      expect(refused(schemas.claim, { version: v }), String(v)).toEqual(['version'])
    expect(refused(schemas.claim, {})).toEqual(['version'])
    expect(refused(schemas.claim, { version: 1, extra: true })).toEqual([''])
    expect(ok(schemas.update, { version: 2 })).toEqual({ version: 2 })
    expect(
      ok(schemas.update, { version: 2, fields: { a: 1, b: null, c: true, d: 'x' }, ticks: { s: ['a'] } }),
    ).toEqual({
      version: 2,
      fields: { a: 1, b: null, c: true, d: 'x' },
      ticks: { s: ['a'] },
    })
    expect(refused(schemas.update, { version: 2, fields: { a: [1] } })).toEqual(['fields.a'])
    expect(refused(schemas.action, { version: 2, action: '' })).toEqual(['action'])
  })

  it("trims a customer's details, keeps each within its length, and takes an empty e-mail", () => {
    expect(
      ok(schemas.customer, {
        name: '  Lan  ',
        phone: ' 0901 ',
        email: ' lan@example.com ',
        address: ' Hà Nội ',
      }),
    ).toEqual({ name: 'Lan', phone: '0901', email: 'lan@example.com', address: 'Hà Nội' })
    expect(ok(schemas.customer, { name: 'Lan', email: '' }).email).toBe('')
    expect(
      ok(schemas.customer, { name: chars(200), phone: chars(50), address: chars(500) }).name,
    ).toHaveLength(200)
    expect(refused(schemas.customer, { name: '   ' })).toEqual(['name'])
    expect(refused(schemas.customer, { name: chars(201) })).toEqual(['name'])
    expect(refused(schemas.customer, { name: 'Lan', phone: chars(51) })).toEqual(['phone'])
    expect(refused(schemas.customer, { name: 'Lan', address: chars(501) })).toEqual(['address'])
    expect(refused(schemas.customer, { name: 'Lan', email: 'not an address' })).toContain('email')
    expect(refused(schemas.customer, { name: 'Lan', email: `${chars(196)}@a.cz` })).toContain('email')
    expect(refused(schemas.customer, { name: 'Lan', segment: 'vip' })).toEqual(['segment'])
  })

  it('keeps survey answers on their scales: CSAT 1–5, NPS 0–10, CES 1–7, a comment of up to 2,000 characters', () => {
    expect(ok(schemas.survey, { csat: 1, nps: 0, ces: 1 })).toEqual({ csat: 1, nps: 0, ces: 1 })
    expect(ok(schemas.survey, { csat: 5, nps: 10, ces: 7, comment: chars(2000) }).comment).toHaveLength(2000)
    for (const [field, v] of [
      ['csat', 0],
      ['csat', 6],
      ['csat', 4.5],
      ['nps', -1],
      ['nps', 11],
      ['ces', 0],
      ['ces', 8],
      ['comment', chars(2001)],
    ] as const)
      expect(refused(schemas.survey, { [field]: v }), `${field} ${v}`).toEqual([field])
  })

  it('trims and limits what a new ticket, an override, an assignment, a note and a new user carry', () => {
    const ticket = { sopId: 'support', channel: 'phone', subject: '  Charged twice  ' }
    expect(ok(schemas.ticketCreate, ticket).subject).toBe('Charged twice')
    expect(
      ok(schemas.ticketCreate, { ...ticket, subject: chars(300), queue: chars(100), assignToMe: true }),
    ).toMatchObject({ assignToMe: true })
    expect(refused(schemas.ticketCreate, { ...ticket, subject: chars(301) })).toEqual(['subject'])
    expect(refused(schemas.ticketCreate, { ...ticket, subject: '  ' })).toEqual(['subject'])
    expect(refused(schemas.ticketCreate, { ...ticket, queue: chars(101) })).toEqual(['queue'])
    expect(refused(schemas.ticketCreate, { ...ticket, priority: 'critical' })).toEqual(['priority'])
    for (const p of ['low', 'normal', 'high', 'urgent'])
      expect(ok(schemas.ticketCreate, { ...ticket, priority: p }).priority).toBe(p)

    expect(ok(schemas.override, { target: 'done', reason: '  customer asked  ', version: 1 }).reason).toBe(
      'customer asked',
    )
    expect(refused(schemas.override, { target: 'done', reason: '   ', version: 1 })).toEqual(['reason'])
    expect(refused(schemas.override, { target: 'done', reason: chars(2001), version: 1 })).toEqual(['reason'])
    expect(refused(schemas.override, { target: '', reason: 'r', version: 1 })).toEqual(['target'])

    expect(ok(schemas.assign, { userId: null, version: 1 })).toEqual({ userId: null, version: 1 })
    expect(ok(schemas.assign, { queue: 'billing', version: 1 })).toEqual({ queue: 'billing', version: 1 })
    const nobody = schemas.assign.safeParse({ version: 1 })
    expect(nobody.success ? null : nobody.error.issues[0].message).toBe('Give a userId or a queue')
    expect(refused(schemas.assign, { queue: chars(101), version: 1 })).toEqual(['queue'])

    expect(ok(schemas.note, { text: '  called back  ' })).toEqual({
      text: 'called back',
      visibility: 'internal',
    })
    expect(ok(schemas.note, { text: chars(10_000), visibility: 'customer' }).visibility).toBe('customer')
    expect(refused(schemas.note, { text: chars(10_001) })).toEqual(['text'])
    expect(refused(schemas.note, { text: '  ' })).toEqual(['text'])

    expect(ok(schemas.userCreate, { name: ' Minh ', role: 'agent', team: chars(100) }).name).toBe('Minh')
    expect(refused(schemas.userCreate, { name: chars(201), role: 'agent' })).toEqual(['name'])
    expect(refused(schemas.userCreate, { name: 'Minh', role: 'agent', team: chars(101) })).toEqual(['team'])
    expect(refused(schemas.userCreate, { name: 'Minh', role: 'boss' })).toEqual(['role'])
  })

  it('pages ticket and audit lists within their limits, with their defaults', () => {
    expect(ok(schemas.ticketQuery, {})).toEqual({ limit: 100, offset: 0 })
    expect(ok(schemas.ticketQuery, { limit: '500', offset: '20' })).toMatchObject({ limit: 500, offset: 20 })
    for (const [field, v] of [
      ['limit', '0'],
      ['limit', '501'],
      ['limit', '2.5'],
      ['offset', '-1'],
      ['status', 'pending'],
      ['overdue', 'yes'],
      ['unassigned', '1'],
      ['q', chars(201)],
    ] as const)
      expect(refused(schemas.ticketQuery, { [field]: v }), `${field} ${v}`).toEqual([field])
    expect(
      ok(schemas.ticketQuery, { overdue: 'false', unassigned: 'true', status: 'closed', q: chars(200) }),
    ).toMatchObject({ overdue: 'false', unassigned: 'true', status: 'closed' })

    expect(ok(schemas.auditQuery, {})).toEqual({ limit: 50, offset: 0 })
    expect(ok(schemas.auditQuery, { limit: '100', q: `  ${chars(200)}  ` }).q).toHaveLength(200)
    expect(refused(schemas.auditQuery, { limit: '101' })).toEqual(['limit'])
    expect(refused(schemas.auditQuery, { limit: '0' })).toEqual(['limit'])
    expect(refused(schemas.auditQuery, { offset: '-1' })).toEqual(['offset'])
    expect(refused(schemas.auditQuery, { q: chars(201) })).toEqual(['q'])
    expect(refused(schemas.auditQuery, { version: '0' })).toEqual(['version'])
  })

  it('takes SOP documents only as objects, and a base revision from 1', () => {
    expect(ok(schemas.sopSave, { document: {}, baseRevision: 1 })).toEqual({ document: {}, baseRevision: 1 })
    expect(refused(schemas.sopSave, { document: {}, baseRevision: 0 })).toEqual(['baseRevision'])
    expect(refused(schemas.sopCreate, { document: [] })).toEqual(['document'])
    expect(refused(schemas.sopCreate, { document: {}, x: 1 })).toEqual([''])
    expect(ok(schemas.sopValidate, {})).toEqual({})
    expect(refused(schemas.sopValidate, { document: {}, x: 1 })).toEqual([''])
  })
})
