import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { noticeSender } from '../../server/notifications/deliver.ts'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { importSop } from '../../server/start.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

async function ticket(c: Ctx) {
  const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Thẻ bị khoá',
    assignToMe: true,
  })
  expect(t.status).toBe(201)
  return t.body.ticket.id as string
}

describe('watchers of a ticket', () => {
  it("are added and removed in the ticket's chain, listed by name, and the ticket still verifies", async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const id = await ticket(c)
    const added = await c.call('POST', `/api/tickets/${id}/watchers`, c.tokens.agent, {
      userId: c.users.supervisor,
    })
    expect(added.status).toBe(201)
    expect(added.body).toEqual([{ userId: c.users.supervisor, name: 'supervisor user' }])
    // Adding again changes nothing: no second record.
    await c.call('POST', `/api/tickets/${id}/watchers`, c.tokens.agent, { userId: c.users.supervisor })
    await c.call('POST', `/api/tickets/${id}/watchers`, c.tokens.supervisor, { userId: c.users.senior_agent })
    const listed = await c.call('GET', `/api/tickets/${id}/watchers`, c.tokens.auditor)
    expect(listed.body.map((w: any) => w.userId)).toEqual([c.users.supervisor, c.users.senior_agent])
    const removed = await c.call(
      'DELETE',
      `/api/tickets/${id}/watchers/${c.users.supervisor}`,
      c.tokens.agent,
    )
    expect(removed.body.map((w: any) => w.userId)).toEqual([c.users.senior_agent])
    const again = await c.call('DELETE', `/api/tickets/${id}/watchers/${c.users.supervisor}`, c.tokens.agent)
    expect([again.status, again.body.code]).toEqual([404, 'not_found'])
    const nobody = await c.call('POST', `/api/tickets/${id}/watchers`, c.tokens.agent, { userId: 'u_nobody' })
    expect([nobody.status, nobody.body.code]).toEqual([404, 'not_found'])
    const watch = (await c.storage.getAudit(id, ['watch'])).map((a) => [a.actorId, a.payload])
    expect(watch).toEqual([
      [c.users.agent, { userId: c.users.supervisor, watching: true }],
      [c.users.supervisor, { userId: c.users.senior_agent, watching: true }],
      [c.users.agent, { userId: c.users.supervisor, watching: false }],
    ])
    const v = await c.call('GET', `/api/tickets/${id}/verify`, c.tokens.auditor)
    expect(v.body.problems).toEqual([])
  })

  it('tell the assignee and every watcher when the customer replies: in the bell, and by e-mail to those who asked', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const mails: ParsedMail[] = []
    const mta = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m)
          cb()
        }, cb)
      },
    })
    await new Promise<void>((ok) => mta.listen(0, '127.0.0.1', ok))
    closers.push(() => new Promise<void>((ok) => mta.close(() => ok())))
    const conn = await c.call('POST', '/api/channels', c.tokens.owner, {
      kind: 'webhook',
      name: 'Zalo chat',
      address: 'zalo',
      channel: 'chat',
      sopId: 'support-ticket',
    })
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const srv = serve({ fetch: c.sopflow.app.fetch, port: 0, hostname: '127.0.0.1' }, () => ok(srv))
    })
    closers.push(() => new Promise<void>((ok) => server.close(() => ok())))
    const deliver = async (messageId: string, text: string) => {
      const body = JSON.stringify({
        sender: { phone: '+84 90 555 1234', name: 'Đỗ Quang' },
        conversationId: 'conv-w',
        messageId,
        text,
      })
      const at = new Date()
      const res = await fetch(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}${conn.body.inboundUrl}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': new Webhook(conn.body.secret).sign(messageId, at, body),
          },
          body,
        },
      )
      return (await res.json()) as { ticketId: string; status: string }
    }
    const opened = await deliver('z-1', 'Thẻ của tôi bị khoá.')
    const version = (await c.storage.getTicket(opened.ticketId))?.version
    expect(
      (await c.call('POST', `/api/tickets/${opened.ticketId}/claim`, c.tokens.agent, { version })).status,
    ).toBe(200)
    await c.call('POST', `/api/tickets/${opened.ticketId}/watchers`, c.tokens.agent, {
      userId: c.users.supervisor,
    })
    await c.call('PUT', '/api/notifications/settings', c.tokens.supervisor, {
      email: 'hoa@bank.example',
      emailOn: true,
    })
    const relay = `smtp://127.0.0.1:${(mta.server.address() as AddressInfo).port}`
    const w = new OutboxWorker(
      c.sopflow.outbox,
      {
        mail: mailSender(relay),
        webhook: webhookSender(c.sopflow.outbox),
        notify: noticeSender(
          c.sopflow.notices,
          c.sopflow.outbox,
          c.sopflow.noticeHub,
          'Desk <desk@bank.example>',
        ),
      },
      c.clock,
      { random: () => 0.5 },
    )
    while ((await w.tick()) > 0) {}
    const before = (await c.call('GET', '/api/notifications', c.tokens.supervisor)).body
    const reply = await deliver('z-2', 'Tôi vẫn chưa dùng được thẻ.')
    expect(reply).toMatchObject({ status: 'threaded', ticketId: opened.ticketId })
    while ((await w.tick()) > 0) {}
    for (const who of ['agent', 'supervisor']) {
      const bell = (await c.call('GET', '/api/notifications', c.tokens[who])).body
      const replied = bell.items.filter((n: any) => n.kind === 'customer_replied')
      expect(replied).toHaveLength(1)
      expect(replied[0]).toMatchObject({ ticketId: opened.ticketId, readAt: null })
    }
    const seniors = (await c.call('GET', '/api/notifications', c.tokens.senior_agent)).body
    expect(seniors.items.filter((n: any) => n.kind === 'customer_replied')).toEqual([])
    expect(before.items.filter((n: any) => n.kind === 'customer_replied')).toEqual([])
    const mail = mails.find((m) => (m.to as { text: string }).text === 'hoa@bank.example')
    expect(mail?.subject).toBe(`[${opened.ticketId}] The customer replied: Thẻ của tôi bị khoá.`)
  })
})

describe('watchers and SLA breaches', () => {
  it('tell the watchers of a breach along with the role the SLA names, once each', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    await importSop(
      c.storage,
      {
        schema: 'sopflow/v1',
        id: 'fast-sla',
        title: 'Fast SLA',
        department: 'Support',
        purpose: 'A step whose SLA falls due in a minute, escalating to a supervisor review.',
        initial: 'work',
        steps: [
          {
            id: 'work',
            kind: 'task',
            title: 'Work',
            roles: ['agent'],
            sla: { due: 'PT1M', escalateTo: 'review', notify: 'supervisor' },
          },
          { id: 'review', kind: 'task', title: 'Review', roles: ['supervisor'] },
          { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
        ],
        transitions: [
          { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
          { id: 'reviewed', from: 'review', to: 'done', action: 'reviewed', label: 'Reviewed' },
        ],
      },
      c.users.admin,
      c.clock().toISOString(),
    )
    const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: 'fast-sla',
      channel: 'phone',
      subject: 'Chậm',
      assignToMe: true,
    })
    const id = t.body.ticket.id as string
    // A supervisor watching too is told once; a senior agent watching is told as a watcher.
    for (const who of ['senior_agent', 'supervisor'])
      await c.call('POST', `/api/tickets/${id}/watchers`, c.tokens.agent, { userId: c.users[who] })
    c.clock.advance(61_000)
    const [timer] = await c.storage.dueTimers(c.clock().toISOString(), 10)
    expect(await c.sopflow.tickets.fireTimer(id, timer.id)).toBe('fired')
    const notices = (await c.sopflow.outbox.list({ limit: 100, offset: 0 }))
      .filter((m) => m.kind === 'notify' && m.ticketId === id)
      .map((m) => [m.target, m.event])
      .sort()
    expect(notices).toEqual(
      [
        [c.users.senior_agent, 'escalated'],
        [c.users.supervisor, 'escalated'],
      ].sort(),
    )
  })
})
