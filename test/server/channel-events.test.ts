import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { importSop } from '../../server/start.ts'
import { setup } from './helpers.ts'
import { webhookReceiver } from './webhookReceiver.ts'

let ctx: Awaited<ReturnType<typeof setup>>
const closing: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of closing.splice(0)) await c()
  await ctx?.storage.close()
})

const REOPENS = {
  schema: 'sopflow/v1',
  id: 'reopens',
  title: 'Answer and close',
  department: 'Support',
  purpose: 'A request answered in one step, reopened when the customer writes again.',
  closedReply: { mode: 'reopen' },
  initial: 'answer',
  steps: [
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' }],
}

describe('channel events to other systems', () => {
  it('announces each customer message and a reopen to subscribed webhooks, signed', async () => {
    ctx = await setup()
    // The receiver checks the signed timestamp against its own clock.
    ctx.clock.advance(Date.now() - ctx.clock().getTime())
    const admin = (await ctx.storage.listUsers()).find((u) => u.role === 'admin')!
    await importSop(ctx.storage, REOPENS, admin.id, ctx.clock().toISOString())
    const receiver = await webhookReceiver()
    closing.push(receiver.close)
    const sub = await ctx.call('POST', '/api/webhooks', ctx.tokens.admin, {
      url: receiver.url,
      events: ['ticket.message_received', 'ticket.reopened'],
      allowPrivate: true,
    })
    expect(sub.status).toBe(201)
    const hook = await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
      kind: 'webhook',
      name: 'Chat',
      address: 'chat',
      sopId: 'reopens',
    })
    const conn = (await ctx.storage.channels.getConnection(hook.body.id))!
    const say = (id: string, text: string) =>
      ctx.sopflow.channels.conversations.receive(conn, {
        channel: 'chat',
        sender: { handle: '@hoa' },
        subject: text,
        text,
        conversationId: 'c-1',
        externalId: id,
      })
    const first = await say('m1', 'Where is my parcel?')
    const t = await ctx.call('GET', `/api/tickets/${first.ticketId}`, ctx.tokens.agent)
    await ctx.call('POST', `/api/tickets/${first.ticketId}/actions`, ctx.tokens.agent, {
      action: 'finish',
      version: t.body.ticket.version,
    })
    expect((await say('m2', 'Still nothing')).status).toBe('reopened')
    const worker = new OutboxWorker(
      ctx.sopflow.outbox,
      { mail: mailSender(null), webhook: webhookSender(ctx.sopflow.outbox) },
      ctx.clock,
      { random: () => 0.5, giveUpMs: 3_600_000 },
    )
    expect(await worker.tick()).toBe(3)
    const verifier = new Webhook(sub.body.secret)
    const events = receiver.received.map(
      (r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: any },
    )
    const messages = await ctx.storage.channels.messagesOfTicket(first.ticketId!)
    expect(events.map((e) => [e.type, e.data.text ?? e.data.reason]).sort()).toEqual(
      [
        ['ticket.message_received', 'Where is my parcel?'],
        ['ticket.message_received', 'Still nothing'],
        ['ticket.reopened', 'The customer wrote again on the closed ticket'],
      ].sort(),
    )
    const received = events.filter((e) => e.type === 'ticket.message_received')
    expect(received.map((e) => e.data.messageId).sort()).toEqual(messages.map((m) => m.id).sort())
    expect(events.every((e) => e.data.ticketId === first.ticketId)).toBe(true)
    const doc = (await ctx.call('GET', '/api/openapi.json', null)).body
    expect(Object.keys(doc.webhooks)).toEqual(
      expect.arrayContaining(['ticket.reopened', 'ticket.message_received']),
    )
  })
})
