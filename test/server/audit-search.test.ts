import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const ids: Record<string, string> = {}

async function open(subject: string, channel: string, customer: string | null) {
  let customerId: string | undefined
  if (customer) {
    const c = await ctx.call('POST', '/api/customers', ctx.tokens.agent, {
      name: customer,
      phone: '+84 90 777 8888',
    })
    customerId = c.body.id
  }
  const r = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
    sopId: 'support-ticket',
    channel,
    subject,
    customerId,
  })
  expect(r.status).toBe(201)
  return r.body.ticket
}

const search = async (query: string) => {
  const r = await ctx.call('GET', `/api/audit/tickets?${query}`, ctx.tokens.auditor)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body as { total: number; items: { id: string; verified: boolean; customerName: string | null }[] }
}

beforeAll(async () => {
  ctx = await setup()
  const hoa = await open('Card charged twice', 'phone', 'Nguyễn Thị Hoa')
  ctx.clock.advance(24 * 3600_000)
  const jana = await open('Parcel never arrived', 'email', 'Jana Dvořáková')
  await ctx.call('POST', `/api/tickets/${jana.id}/notes`, ctx.tokens.agent, {
    text: 'Courier reference DHL-55120',
  })
  const cancelled = await ctx.call('POST', `/api/tickets/${jana.id}/actions`, ctx.tokens.agent, {
    action: 'cancel',
    version: jana.version,
  })
  expect(cancelled.status).toBe(200)
  ctx.clock.advance(3600_000)
  const anon = await open('Question about opening hours', 'chat', null)
  Object.assign(ids, { hoa: hoa.id, jana: jana.id, anon: anon.id })
})
afterAll(async () => ctx?.storage.close())

describe("the auditor's ticket search", () => {
  it('finds a ticket by its id, its reference, its customer, its subject or a note, newest first', async () => {
    expect((await search(`q=${ids.hoa}`)).items.map((t) => t.id)).toEqual([ids.hoa])
    expect((await search(`q=${ids.jana.slice(2, 12)}`)).items.map((t) => t.id)).toEqual([ids.jana])
    const byName = await search(`q=${encodeURIComponent('thị hoa')}`)
    expect(byName.items.map((t) => [t.id, t.customerName])).toEqual([[ids.hoa, 'Nguyễn Thị Hoa']])
    expect((await search('q=dvo')).items.map((t) => t.id)).toEqual([ids.jana])
    expect((await search('q=opening')).items.map((t) => t.id)).toEqual([ids.anon])
    expect((await search('q=DHL-55120')).items.map((t) => t.id)).toEqual([ids.jana])
    expect((await search('q=%2B84%2090%20777')).items.map((t) => t.id)).toEqual([ids.jana, ids.hoa])
    expect((await search('q=100%25')).total).toBe(0)
    // By its reference (T-1042) or its number alone.
    const number = (await ctx.storage.getTicket(ids.jana))!.number!
    for (const q of [`T-${number}`, `${number}`])
      expect((await search(`q=${q}`)).items.map((t) => t.id)).toEqual([ids.jana])
    expect((await search('')).items.map((t) => t.id)).toEqual([ids.anon, ids.jana, ids.hoa])
  })

  it('filters by status, outcome, channel, version and date, a page at a time', async () => {
    expect((await search('status=closed')).items.map((t) => t.id)).toEqual([ids.jana])
    expect((await search('outcome=cancelled')).items.map((t) => t.id)).toEqual([ids.jana])
    expect((await search('channel=chat')).items.map((t) => t.id)).toEqual([ids.anon])
    expect((await search('sop=support-ticket&version=1')).total).toBe(3)
    expect((await search('version=2')).total).toBe(0)
    expect((await search('from=2026-03-02&to=2026-03-03')).items.map((t) => t.id)).toEqual([ids.hoa])
    const page = await search('limit=2&offset=2')
    expect(page).toMatchObject({ total: 3 })
    expect(page.items.map((t) => t.id)).toEqual([ids.hoa])
    const bad = await ctx.call('GET', '/api/audit/tickets?from=tomorrow', ctx.tokens.auditor)
    expect(bad.status).toBe(400)
    expect(bad.body.detail).toContain('from')
  })

  it('marks each ticket verified, and not verified once its log is changed', async () => {
    expect((await search('')).items.every((t) => t.verified)).toBe(true)
    ctx.storage.db.exec('DROP TRIGGER audit_append_only_update')
    ctx.storage.db
      .prepare(
        "UPDATE audit SET payload = json_set(payload, '$.text', 'edited') WHERE ticket_id = ? AND type = 'note'",
      )
      .run(ids.jana)
    const after = await search('')
    expect(after.items.map((t) => [t.id, t.verified])).toEqual([
      [ids.anon, true],
      [ids.jana, false],
      [ids.hoa, true],
    ])
  })
})
