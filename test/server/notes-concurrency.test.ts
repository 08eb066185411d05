import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

let ctx: Awaited<ReturnType<typeof setup>>
beforeAll(async () => {
  ctx = await setup()
})
afterAll(async () => ctx?.storage.close())

describe('notes under contention', () => {
  it('stores all of 50 simultaneous unversioned notes on one ticket, each once, in the verified chain', async () => {
    const created = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Many hands on one ticket',
    })
    expect(created.status).toBe(201)
    const id = created.body.ticket.id as string
    const texts = Array.from({ length: 50 }, (_, i) => `note ${i + 1}`)
    const answers = await Promise.all(
      texts.map((text) => ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, { text })),
    )
    expect(answers.map((a) => a.status)).toEqual(texts.map(() => 201))
    const history = await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.auditor)
    const stored = (history.body as { type: string; payload: { text?: string } }[])
      .filter((h) => h.type === 'note')
      .map((h) => h.payload.text)
    expect([...stored].sort()).toEqual([...texts].sort())
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(verify.body.ok).toBe(true)
  })
})
