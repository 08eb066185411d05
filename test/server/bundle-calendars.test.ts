import { sign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { independentVerify } from '../independent-verifier/verify.ts'
import { setup } from './helpers.ts'
import type { Ctx } from './ledgerFixture.ts'

const desk = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '08:00', to: '17:00' }]]),
  ),
  holidays: [{ date: '2026-03-10', name: 'Desk day off' }],
}

const repair = {
  schema: 'sopflow/v1',
  id: 'repair',
  title: 'Repair',
  department: 'Care',
  purpose: 'Repair within four business hours.',
  calendar: 'prague_desk',
  initial: 'handle',
  steps: [
    {
      id: 'handle',
      kind: 'task',
      title: 'Handle',
      roles: ['agent'],
      sla: { due: 'PT4H', time: 'business', notify: 'supervisor' },
    },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'handle', to: 'done', action: 'finish' }],
}

type Bundle = Record<string, any>
let ctx: Ctx
let good: Buffer

beforeAll(async () => {
  ctx = await setup()
  expect((await ctx.call('PUT', '/api/calendars/prague_desk', ctx.tokens.owner, desk)).status).toBe(201)
  expect((await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: repair })).status).toBe(201)
  expect((await ctx.call('POST', '/api/sops/repair/publish', ctx.tokens.owner)).status).toBe(201)
  const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
    sopId: 'repair',
    channel: 'phone',
    subject: 'Broken',
  })
  expect(opened.status).toBe(201)
  const res = await ctx.sopflow.app.request(`/api/tickets/${opened.body.ticket.id}/evidence`, {
    headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
  })
  expect(res.status).toBe(200)
  good = Buffer.from(await res.arrayBuffer())
})
afterAll(() => ctx?.storage.close())

/** The bundle's bytes, signed again over what it now holds (the forger holds the signing key). */
function resign(b: Bundle): Buffer {
  const { signature: _s, ...rest } = b
  const signature = sign(null, Buffer.from(canonicalJson(rest)), ctx.sopflow.ledger.key.privateKey)
  return Buffer.from(canonicalJson({ ...rest, signature: signature.toString('base64') }))
}

describe('calendars in an evidence bundle', () => {
  it('are carried and pinned by the first record; the bundle verifies with both verifiers', () => {
    const b = JSON.parse(good.toString('utf8')) as Bundle
    expect(Object.keys(b.sop.calendars)).toEqual(['prague_desk'])
    expect(b.sop.calendars.prague_desk.holidays).toContainEqual(
      expect.objectContaining({ date: '2026-03-10' }),
    )
    expect(b.records[0].payload.ticket.calendarsHash).toMatch(/^[0-9a-f]{64}$/)
    expect(checkBundle(good).problems).toEqual([])
    expect(independentVerify(good)).toEqual([])
  })

  it('a holiday moved in the bundle fails the calendars check of both verifiers, even re-signed', () => {
    const b = JSON.parse(good.toString('utf8')) as Bundle
    b.sop.calendars.prague_desk.holidays[0].date = '2026-03-11'
    const forged = resign(b)
    const problems = checkBundle(forged).problems
    expect(problems).toContainEqual(
      expect.stringMatching(/^the calendars do not match the digest [0-9a-f]{64}/),
    )
    expect(problems).toHaveLength(1)
    expect(independentVerify(forged)).toEqual(['SOP calendars hash'])
  })

  it('calendars dropped from the bundle fail the same check', () => {
    const b = JSON.parse(good.toString('utf8')) as Bundle
    delete b.sop.calendars
    expect(independentVerify(resign(b))).toContain('SOP calendars hash')
    expect(checkBundle(resign(b)).problems).toContainEqual(
      expect.stringMatching(/^the calendars do not match/),
    )
  })
})
