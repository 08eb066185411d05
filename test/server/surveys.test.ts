import { afterEach, describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'
import { checkDraws, drawValue } from '../../server/surveys/draw.ts'
import { surveyIdOf } from '../../server/surveys/service.ts'
import { setup } from './helpers.ts'
import { act, customerTicket, publishSurveySop, surveySop } from './surveyFixture.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const SEED = 'sample-seed-2026-q1'
const DAY = 86_400_000

async function surveyRecords(c: Ctx, ticketId: string) {
  return (await c.storage.getAudit(ticketId, ['survey'])).map((a) => a.payload as any)
}

async function invitations(c: Ctx) {
  return ((await c.sopflow.outbox.list({ limit: 5000, offset: 0 })) as any[]).filter(
    (m) => m.event === 'survey.invitation',
  )
}

/** The link's token from an invitation's text. */
const tokenOf = (text: string) => /#\/survey\/([A-Za-z0-9_.-]+)/.exec(text)?.[1] as string

describe('the survey sample', () => {
  it('over 1,000 closed tickets samples close to the rate, exactly the tickets the seed draws, each draw in the chain, none for cancelled tickets', async () => {
    ctx = await setup({ replies: { mailFrom: 'Support <support@shop.example>' } })
    await publishSurveySop(ctx, { rate: 0.3, seed: SEED, periodDays: 30 })
    const resolved: string[] = []
    const cancelled: string[] = []
    for (let i = 0; i < 1050; i++) {
      const { ticketId } = await customerTicket(ctx, `Customer ${i}`)
      const cancel = i % 21 === 20
      await act(ctx, ticketId, cancel ? 'cancel' : 'resolve')
      ;(cancel ? cancelled : resolved).push(ticketId)
    }
    expect(resolved).toHaveLength(1000)
    let selected = 0
    for (const id of resolved) {
      const [draw] = await surveyRecords(ctx, id)
      // Drawn again from the seed and the ticket id: the same number, the same decision.
      expect(draw.draw.value).toBe(drawValue(SEED, id))
      expect(draw.selected).toBe(drawValue(SEED, id) < 0.3)
      expect(draw.reason).toBe(draw.selected ? 'sampled' : 'not_sampled')
      if (draw.selected) selected++
    }
    expect(selected / 1000).toBeGreaterThan(0.25)
    expect(selected / 1000).toBeLessThan(0.35)
    for (const id of cancelled) {
      const [draw] = await surveyRecords(ctx, id)
      expect(draw).toMatchObject({ selected: false, reason: 'outcome_not_surveyed' })
    }
    // One invitation per sampled customer, and nothing for the others.
    const sent = await invitations(ctx)
    expect(sent).toHaveLength(selected)
    expect(new Set(sent.map((m) => m.ticketId))).toEqual(
      new Set(resolved.filter((id) => drawValue(SEED, id) < 0.3)),
    )
    // The draws are part of the chains: each ticket still verifies (chain, replay, draw).
    for (const id of [...resolved, ...cancelled]) {
      const v = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
      expect(v.body.problems).toEqual([])
      expect(v.body.ok).toBe(true)
    }
  }, 240_000)

  it("lets the auditor's check catch a draw that does not follow the seed: a changed number, a picked customer, another rate", async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    await publishSurveySop(ctx, { rate: 0.5, seed: SEED })
    const tickets: string[] = []
    for (let i = 0; i < 30; i++) {
      const { ticketId } = await customerTicket(ctx, `Checked ${i}`)
      await act(ctx, ticketId, 'resolve')
      tickets.push(ticketId)
    }
    const policy = { rate: 0.5, seed: SEED, outcomes: ['resolved' as const], periodDays: 90, expiresDays: 14 }
    // A ticket left out at 50 % that a 90 % rate would have surveyed.
    const left = tickets.find((id) => drawValue(SEED, id) >= 0.5 && drawValue(SEED, id) < 0.9) as string
    const audit = await ctx.storage.getAudit(left)
    expect(checkDraws(policy, left, audit)).toEqual([])
    const forged = (change: (p: any) => void) =>
      audit.map((a) => {
        if (a.type !== 'survey') return a
        const payload = structuredClone(a.payload) as any
        change(payload)
        return { ...a, payload }
      })
    expect(
      checkDraws(
        policy,
        left,
        forged((p) => (p.draw.value = 0.01)),
      ),
    ).toEqual([expect.stringMatching(/the survey draw is 0\.01, but the seed gives/)])
    expect(
      checkDraws(
        policy,
        left,
        forged((p) => Object.assign(p, { selected: true, reason: 'sampled' })),
      ),
    ).toEqual([expect.stringMatching(/surveyed although the draw is above the rate/)])
    expect(checkDraws({ ...policy, rate: 0.9 }, left, audit)).toEqual([
      expect.stringMatching(/used rate 0\.5, the SOP says 0\.9/),
      expect.stringMatching(/under the rate but the customer was left out/),
    ])
  })

  it('surveys a customer at most once in the period: a second closed ticket in it is left out, one after it is drawn again', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    await publishSurveySop(ctx, { rate: 1, seed: SEED, periodDays: 30 })
    const first = await customerTicket(ctx, 'Trần Văn Minh')
    await act(ctx, first.ticketId, 'resolve')
    const second = await customerTicket(ctx, 'Trần Văn Minh', first.customerId)
    await act(ctx, second.ticketId, 'resolve')
    ctx.clock.advance(31 * DAY)
    const third = await customerTicket(ctx, 'Trần Văn Minh', first.customerId)
    await act(ctx, third.ticketId, 'resolve')
    expect((await surveyRecords(ctx, first.ticketId))[0]).toMatchObject({ selected: true, reason: 'sampled' })
    expect((await surveyRecords(ctx, second.ticketId))[0]).toMatchObject({
      selected: false,
      reason: 'surveyed_recently',
    })
    expect((await surveyRecords(ctx, third.ticketId))[0]).toMatchObject({ selected: true })
    expect((await invitations(ctx)).map((m) => m.ticketId).sort()).toEqual(
      [first.ticketId, third.ticketId].sort(),
    )
  })

  it('does not survey a customer the ticket has no way to reach, and says why', async () => {
    ctx = await setup()
    await publishSurveySop(ctx, { rate: 1, seed: SEED })
    const { ticketId } = await customerTicket(ctx, 'Lê Thu')
    await act(ctx, ticketId, 'resolve')
    expect((await surveyRecords(ctx, ticketId))[0]).toMatchObject({ selected: false, reason: 'unreachable' })
    expect(await invitations(ctx)).toEqual([])
  })

  it('refuses an SOP whose survey follows cancelled tickets', async () => {
    const r = validate(surveySop({ rate: 0.5, seed: SEED, outcomes: ['cancelled'] }))
    expect(r.valid).toBe(false)
    expect(r.diagnostics.map((d) => d.path)).toContain('survey.outcomes.0')
    expect(validate(surveySop({ rate: 0.5, seed: SEED, outcomes: ['resolved'] })).valid).toBe(true)
  })
})

describe('answering a survey', () => {
  async function invited(c: Ctx) {
    await publishSurveySop(c, { rate: 1, seed: SEED, expiresDays: 7 }, 'vi')
    const t = await customerTicket(c, 'Phạm Hoa')
    await act(c, t.ticketId, 'resolve')
    const [m] = await invitations(c)
    return { ...t, token: tokenOf(m.payload.text), message: m }
  }

  it("takes one answer through the public route, stores it on the customer's record and in the ticket's chain, and refuses a second", async () => {
    ctx = await setup({ replies: { mailFrom: 'Support <support@shop.example>' } })
    const { ticketId, customerId, token, message } = await invited(ctx)
    expect(message.payload.subject).toBe(`[${ticketId}] Chúng tôi đã phục vụ bạn thế nào?`)
    const page = await ctx.call('GET', `/api/public/surveys/${token}`, null)
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({
      language: 'vi',
      answered: false,
      ticketSubject: 'Question of Phạm Hoa',
    })
    const answer = { csat: 4, nps: 9, ces: 2, comment: 'Nhanh và lịch sự' }
    const r = await ctx.call('POST', `/api/public/surveys/${token}`, null, answer)
    expect(r.status).toBe(201)
    const again = await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 1 })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('survey_answered')
    const customer = await ctx.call('GET', `/api/customers/${customerId}`, ctx.tokens.agent)
    expect(customer.body.surveys).toHaveLength(1)
    expect(customer.body.surveys[0]).toMatchObject({ ...answer, ticketId, createdBy: 'customer' })
    // The answer's reply names the stored answer and when it was stored.
    expect(r.body).toEqual({ id: customer.body.surveys[0].id, at: customer.body.surveys[0].at })
    expect(typeof r.body.id).toBe('string')
    const records = await surveyRecords(ctx, ticketId)
    expect(records[1].answer).toMatchObject(answer)
    expect((await ctx.call('GET', `/api/public/surveys/${token}`, null)).body.answered).toBe(true)
    const v = await ctx.call('GET', `/api/tickets/${ticketId}/verify`, ctx.tokens.auditor)
    expect(v.body.problems).toEqual([])
  })

  it('records in the chain an answer that was stored when the process stopped before recording it', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { ticketId, customerId, token } = await invited(ctx)
    const [draw] = await ctx.storage.getAudit(ticketId, ['survey'])
    // The answer's row as the stopped process left it, without its record in the chain.
    await ctx.storage.addSurvey({
      id: surveyIdOf(ticketId, draw.seq),
      customerId,
      ticketId,
      csat: 3,
      nps: null,
      ces: null,
      comment: null,
      at: ctx.clock().toISOString(),
      createdBy: 'customer',
    })
    expect(await surveyRecords(ctx, ticketId)).toHaveLength(1)
    const retry = await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 3 })
    expect([retry.status, retry.body.code]).toEqual([409, 'survey_answered'])
    const records = await surveyRecords(ctx, ticketId)
    expect(records.map((r) => r.answer?.csat ?? null)).toEqual([null, 3])
    await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 3 })
    expect(await surveyRecords(ctx, ticketId)).toHaveLength(2)
    expect(
      (await ctx.call('GET', `/api/tickets/${ticketId}/verify`, ctx.tokens.auditor)).body.problems,
    ).toEqual([])
  })

  it('refuses an expired link and an altered one, and stores nothing', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { ticketId, customerId, token } = await invited(ctx)
    const altered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`
    const bad = await ctx.call('POST', `/api/public/surveys/${altered}`, null, { csat: 5 })
    expect([bad.status, bad.body.code]).toEqual([404, 'survey_link_invalid'])
    ctx.clock.advance(7 * DAY + 1)
    const late = await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 5 })
    expect([late.status, late.body.code]).toEqual([410, 'survey_expired'])
    expect((await ctx.call('GET', `/api/public/surveys/${token}`, null)).status).toBe(410)
    const customer = await ctx.call('GET', `/api/customers/${customerId}`, ctx.tokens.agent)
    expect(customer.body.surveys).toEqual([])
    expect(await surveyRecords(ctx, ticketId)).toHaveLength(1)
  })

  it('refuses an empty answer and scores off their scales', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { token } = await invited(ctx)
    const empty = await ctx.call('POST', `/api/public/surveys/${token}`, null, { comment: '  ' })
    expect([empty.status, empty.body.code]).toEqual([400, 'survey_empty'])
    const off = await ctx.call('POST', `/api/public/surveys/${token}`, null, { nps: 11 })
    expect([off.status, off.body.code]).toEqual([400, 'invalid_request'])
    expect((await ctx.call('GET', `/api/public/surveys/${token}`, null)).body.answered).toBe(false)
  })

  it("counts the customers' answers on the dashboard, labels those agents entered, and leaves them out on request", async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const { ticketId, customerId, token } = await invited(ctx)
    await ctx.call('POST', `/api/public/surveys/${token}`, null, { csat: 5, nps: 10 })
    const phone = await ctx.call('POST', `/api/customers/${customerId}/surveys`, ctx.tokens.agent, {
      ticketId,
      csat: 1,
      nps: 0,
    })
    expect(phone.status).toBe(201)
    const all = await ctx.call('GET', '/api/metrics?sop=quick-help', ctx.tokens.supervisor)
    expect(all.body.surveys).toMatchObject({ count: 2, customerCount: 1, agentCount: 1, csat: 3 })
    const own = await ctx.call(
      'GET',
      '/api/metrics?sop=quick-help&agentSurveys=exclude',
      ctx.tokens.supervisor,
    )
    expect(own.body.surveys).toMatchObject({
      count: 1,
      customerCount: 1,
      agentCount: 0,
      csat: 5,
      nps: 100,
    })
  })
})
