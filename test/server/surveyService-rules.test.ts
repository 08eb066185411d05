import { afterEach, describe, expect, it } from 'vitest'
import { encodeToken } from '../../server/surveys/draw.ts'
import { setup } from './helpers.ts'
import { act, customerTicket, publishSurveySop } from './surveyFixture.ts'

// The rules of a survey link and its answer: every way a link can be wrong is the same "not valid",
// a link expires exactly at its time, an answer keeps only what was given (a comment trimmed), and
// the period during which a customer is not surveyed again counts only invitations, to the day.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const DAY = 86_400_000
const SEED = 'rules-seed'

async function invitations(c: Ctx) {
  return ((await c.sopflow.outbox.list({ limit: 5000, offset: 0 })) as any[]).filter(
    (m) => m.event === 'survey.invitation',
  )
}
const tokenOf = (text: string) => /#\/survey\/([A-Za-z0-9_.-]+)/.exec(text)?.[1] as string

async function invited(c: Ctx, survey: Record<string, unknown> = {}) {
  await publishSurveySop(c, { rate: 1, seed: SEED, expiresDays: 7, ...survey })
  const t = await customerTicket(c, 'Pham Hoa')
  await act(c, t.ticketId, 'resolve')
  const [m] = await invitations(c)
  const [draw] = await c.storage.getAudit(t.ticketId, ['survey'])
  return { ...t, token: tokenOf(m.payload.text), text: m.payload.text as string, seq: draw.seq, draw }
}

describe('survey links', () => {
  it('a wrong secret, ticket or record, or a malformed token, is "not valid", all alike', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { ticketId, token, seq } = await invited(ctx)
    const secret = token.split('.')[1]
    const other = await customerTicket(ctx, 'Le Minh')
    for (const [why, bad] of [
      ['malformed', 'not-a-token'],
      ['unknown ticket', encodeToken('t_none', seq, secret)],
      ['another record', encodeToken(ticketId, seq + 5, secret)],
      ['a ticket with no invitation', encodeToken(other.ticketId, 0, secret)],
      ['another secret', encodeToken(ticketId, seq, 'x'.repeat(24))],
    ]) {
      const r = await ctx.call('GET', `/api/public/surveys/${bad}`, null)
      expect(r.status, why).toBe(404)
      expect(r.body.code, why).toBe('survey_link_invalid')
      expect(r.body.detail, why).toBe('This survey link is not valid')
    }
    // A draw that invited nobody (the customer was surveyed just now) has no link.
    await act(ctx, other.ticketId, 'resolve')
    const again = await customerTicket(ctx, 'Pham Hoa', (await ctx.storage.getTicket(ticketId))!.customerId!)
    await act(ctx, again.ticketId, 'resolve')
    const [uninvited] = await ctx.storage.getAudit(again.ticketId, ['survey'])
    expect(uninvited.payload).toMatchObject({ selected: false })
    const none = await ctx.call(
      'GET',
      `/api/public/surveys/${encodeToken(again.ticketId, uninvited.seq, secret)}`,
      null,
    )
    expect([none.status, none.body.code]).toEqual([404, 'survey_link_invalid'])
    expect((await ctx.call('GET', `/api/public/surveys/${token}`, null)).status).toBe(200)
  })

  it('expires exactly at its time, naming the day', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { token, draw } = await invited(ctx)
    const expiresAt = (draw.payload as any).invitation.expiresAt as string
    expect(expiresAt).toBe(new Date(ctx.clock().getTime() + 7 * DAY).toISOString())
    ctx.clock.advance(7 * DAY - 1)
    expect((await ctx.call('GET', `/api/public/surveys/${token}`, null)).body.expiresAt).toBe(expiresAt)
    ctx.clock.advance(1)
    const late = await ctx.call('GET', `/api/public/surveys/${token}`, null)
    expect(late.status).toBe(410)
    expect(late.body.params).toEqual({ expiresAt })
    expect(late.body.detail).toBe(`This survey link expired on ${expiresAt.slice(0, 10)}`)
  })

  it('the page shows the SOP’s title and language and the ticket’s subject', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { token } = await invited(ctx)
    const page = await ctx.call('GET', `/api/public/surveys/${token}`, null)
    expect(page.body).toEqual({
      language: 'en',
      sopTitle: 'Quick help',
      ticketSubject: 'Question of Pham Hoa',
      expiresAt: page.body.expiresAt,
      answered: false,
    })
  })

  it('links to the server’s address without a doubled slash', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    ctx.sopflow.surveys.baseUrl = 'https://desk.example/'
    const { text, token } = await invited(ctx)
    expect(text).toContain(`https://desk.example/#/survey/${token}`)
  })
})

describe('survey answers', () => {
  it('keeps only what was given, the comment trimmed, as the customer’s, and refuses a second naming the ticket', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { token, ticketId, customerId } = await invited(ctx)
    const r = await ctx.call('POST', `/api/public/surveys/${token}`, null, { ces: 3, comment: '  Quick  ' })
    expect(r.status).toBe(201)
    const [stored] = (await ctx.call('GET', `/api/customers/${customerId}`, ctx.tokens.agent)).body.surveys
    expect(stored).toMatchObject({
      ticketId,
      customerId,
      csat: null,
      nps: null,
      ces: 3,
      comment: 'Quick',
      createdBy: 'customer',
      at: ctx.clock().toISOString(),
    })
    const records = await ctx.storage.getAudit(ticketId, ['survey'])
    expect(records).toHaveLength(2)
    expect(records[1]).toMatchObject({ actorId: 'customer', role: 'customer' })
    const again = await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 5 })
    expect(again.status).toBe(409)
    expect(again.body.params).toEqual({ ticketId })
    expect(again.body.detail).toBe('This survey was already answered; thank you')
  })

  it('a score of zero is an answer', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { token } = await invited(ctx)
    const r = await ctx.call('POST', `/api/public/surveys/${token}`, null, { nps: 0 })
    expect(r.status).toBe(201)
  })
})

describe('the period between surveys', () => {
  it('counts a customer’s invitation closed on the period’s first moment, not one just before it', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    await publishSurveySop(ctx, { rate: 1, seed: SEED, periodDays: 10 })
    const first = await customerTicket(ctx, 'Tran Van Minh')
    await act(ctx, first.ticketId, 'resolve')
    // Exactly ten days later the first invitation is still within the period.
    ctx.clock.advance(10 * DAY)
    const second = await customerTicket(ctx, 'Tran Van Minh', first.customerId)
    await act(ctx, second.ticketId, 'resolve')
    expect((await ctx.storage.getAudit(second.ticketId, ['survey']))[0].payload).toMatchObject({
      selected: false,
      reason: 'surveyed_recently',
    })
    // A moment after the period, the customer is drawn again (the second ticket was not an invitation).
    ctx.clock.advance(1)
    const third = await customerTicket(ctx, 'Tran Van Minh', first.customerId)
    await act(ctx, third.ticketId, 'resolve')
    expect((await ctx.storage.getAudit(third.ticketId, ['survey']))[0].payload).toMatchObject({
      selected: true,
    })
  })

  it('another customer’s invitation does not count', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    await publishSurveySop(ctx, { rate: 1, seed: SEED, periodDays: 30 })
    const a = await customerTicket(ctx, 'Customer A')
    await act(ctx, a.ticketId, 'resolve')
    const b = await customerTicket(ctx, 'Customer B')
    await act(ctx, b.ticketId, 'resolve')
    expect((await ctx.storage.getAudit(b.ticketId, ['survey']))[0].payload).toMatchObject({ selected: true })
  })
})
