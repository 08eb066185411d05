import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

/** A real receiving MTA: takes mail for anyone after AUTH, or refuses every recipient. */
async function mta(options: { refuse?: boolean } = {}) {
  const mails: ParsedMail[] = []
  const logins: string[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      logins.push(`${auth.username}:${auth.password}`)
      if (auth.username === 'relay' && auth.password === 's3cret') cb(null, { user: auth.username })
      else cb(new Error('Invalid username or password'))
    },
    onRcptTo(_address, _session, cb) {
      if (options.refuse) {
        const e = new Error('Relaying denied') as Error & { responseCode: number }
        e.responseCode = 550
        cb(e)
      } else cb()
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((m) => {
          mails.push(m)
          cb()
        })
        .catch(cb)
    },
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.server.address() as AddressInfo).port
  closing.push(() => new Promise<void>((ok) => server.close(() => ok())))
  return { relay: `smtp://relay:s3cret@127.0.0.1:${port}`, mails, logins }
}

async function ticketWithCustomer(c: Ctx) {
  const customer = await c.call('POST', '/api/customers', c.tokens.agent, {
    name: 'Nguyễn Thị Lan',
    email: 'lan@example.org',
  })
  expect(customer.status).toBe(201)
  const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'email',
    subject: 'Charged twice',
    customerId: customer.body.id,
  })
  expect(t.status).toBe(201)
  return t.body.ticket as { id: string; number: number }
}

const worker = (c: Ctx, relay: string) =>
  new OutboxWorker(
    c.sopflow.outbox,
    { mail: mailSender(relay), webhook: webhookSender(c.sopflow.outbox) },
    c.clock,
    {
      random: () => 0.5,
      giveUpMs: 3_600_000,
    },
  )

describe('replies to the customer by e-mail', () => {
  it('sends a note to the customer through the SMTP relay, threaded by ticket, with the ticket reference in the subject', async () => {
    ctx = await setup({ replies: { mailFrom: 'Support <support@shop.example>' } })
    const server = await mta()
    const ticket = await ticketWithCustomer(ctx)
    const internal = await ctx.call('POST', `/api/tickets/${ticket.id}/notes`, ctx.tokens.agent, {
      text: 'Checked the bank statement',
    })
    expect(internal.status).toBe(201)
    for (const text of ['We refunded the second charge.', 'The refund arrives within 3 days.']) {
      const r = await ctx.call('POST', `/api/tickets/${ticket.id}/notes`, ctx.tokens.agent, {
        text,
        visibility: 'customer',
      })
      expect(r.status).toBe(201)
    }
    const w = worker(ctx, server.relay)
    expect(await w.tick()).toBe(2)
    expect(server.logins).toEqual(['relay:s3cret', 'relay:s3cret'])
    expect(server.mails.map((m) => m.text?.trim()).sort()).toEqual([
      'The refund arrives within 3 days.',
      'We refunded the second charge.',
    ])
    const thread = `<ticket.${ticket.id}@shop.example>`
    const queued = (await ctx.call('GET', '/api/outbox', ctx.tokens.admin)).body.messages
    for (const m of server.mails) {
      expect(ticket.number).toBeGreaterThan(1000)
      expect(m.subject).toBe(`[#T-${ticket.number}] Charged twice`)
      expect(m.to && !Array.isArray(m.to) && m.to.text).toBe('lan@example.org')
      expect(m.from?.value).toEqual([{ name: 'Support', address: 'support@shop.example' }])
      expect(m.inReplyTo).toBe(thread)
      expect(m.references).toBe(thread)
      // The Message-ID is the outbox message's own, the same on every attempt.
      expect(queued.map((q: any) => `<${q.id}@shop.example>`)).toContain(m.messageId)
    }
    expect(queued.map((q: any) => q.status)).toEqual(['sent', 'sent'])
  })

  it('retries a relay that refuses and then marks the reply failed with the relay’s reason, keeping the note and the message', async () => {
    ctx = await setup({ replies: { mailFrom: 'support@shop.example' } })
    const server = await mta({ refuse: true })
    const ticket = await ticketWithCustomer(ctx)
    await ctx.call('POST', `/api/tickets/${ticket.id}/notes`, ctx.tokens.agent, {
      text: 'Your refund is on its way.',
      visibility: 'customer',
    })
    const w = worker(ctx, server.relay)
    await w.tick()
    let [m] = (await ctx.call('GET', '/api/outbox', ctx.tokens.admin)).body.messages
    expect([m.status, m.attempts]).toEqual(['queued', 1])
    expect(m.lastError).toMatch(/^The SMTP relay refused: .*Relaying denied/)
    for (let i = 0; i < 30 && m.status !== 'failed'; i++) {
      ctx.clock.advance(10 * 60_000)
      await w.tick()
      m = (await ctx.call('GET', `/api/outbox/${m.id}`, ctx.tokens.admin)).body
    }
    expect(m.status).toBe('failed')
    expect(m.attempts).toBeGreaterThan(3)
    expect(m.lastStatus).toBe(550)
    expect(m.lastError).toMatch(/^Gave up after \d+ attempt\(s\): The SMTP relay refused: .*Relaying denied/)
    expect(m.payload.text).toBe('Your refund is on its way.')
    expect(server.mails).toEqual([])
    const view = await ctx.call('GET', `/api/tickets/${ticket.id}`, ctx.tokens.agent)
    expect(view.body.notes.map((n: any) => [n.text, n.visibility])).toEqual([
      ['Your refund is on its way.', 'customer'],
    ])
  })
})
