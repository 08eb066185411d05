import { afterEach, describe, expect, it } from 'vitest'
import { customerReplyRows, noticeRows, noticeSender } from '../../server/notifications/deliver.ts'
import { type Notice, NoticeHub } from '../../server/notifications/notifications.ts'
import type { TicketEvent } from '../../server/outbox/events.ts'
import type { OutboxMessage } from '../../server/outbox/outbox.ts'
import type { TicketCommit, TicketRow } from '../../server/storage/types.ts'
import { openTicket, setup } from './helpers.ts'

// The rules of who is told what: a breach to the role or user it names and the ticket's watchers
// (once each, never a disabled user), an escalation named so, a warning to whom its target names or
// else the assignee, an assignment to the assignee unless they took it themselves, a customer's
// reply to the assignee and watchers; and a notice's delivery into the bell and by e-mail.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const NOW = '2026-03-02T09:00:00.000Z'

async function ticketOf(c: Ctx, assigneeId: string | null = null): Promise<TicketRow> {
  const t = await openTicket(c)
  const row = (await c.storage.getTicket(t.id))!
  return { ...row, assigneeId }
}
const unit = (ticket: TicketRow, audit: unknown[] = []) => ({ ticket, audit }) as unknown as TicketCommit
const breach = (data: Record<string, unknown>) =>
  ({
    type: 'ticket.sla_breached',
    data: { stepId: 'intake', notify: null, ...data },
  }) as unknown as TicketEvent
const told = (rows: { target: string; event: string }[]) => rows.map((r) => [r.target, r.event]).sort()

async function watch(c: Ctx, ticketId: string, userId: string) {
  const r = await c.call('POST', `/api/tickets/${ticketId}/watchers`, c.tokens.supervisor, { userId })
  expect(r.status).toBe(201)
}

describe('who is told', () => {
  it('a breach: every user of the role it names and the watchers, once each, never a disabled one', async () => {
    ctx = await setup()
    const t = await ticketOf(ctx)
    const second = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Second sup',
      role: 'supervisor',
    })
    const gone = await ctx.call('POST', '/api/users', ctx.tokens.admin, {
      name: 'Gone sup',
      role: 'supervisor',
    })
    await ctx.call('POST', `/api/users/${gone.body.user.id}/disable`, ctx.tokens.admin, {})
    await watch(ctx, t.id, ctx.users.supervisor)
    await watch(ctx, t.id, ctx.users.auditor)
    const rows = await noticeRows(ctx.storage, unit(t), [breach({ notify: 'supervisor' })], NOW)
    expect(told(rows)).toEqual(
      [
        [ctx.users.supervisor, 'sla_breached'],
        [second.body.user.id, 'sla_breached'],
        [ctx.users.auditor, 'sla_breached'],
      ].sort(),
    )
    expect(rows[0]).toMatchObject({
      kind: 'notify',
      ticketId: t.id,
      subscriptionId: null,
      createdAt: NOW,
      nextAt: NOW,
      payload: { kind: 'sla_breached', params: { ticket: t.id, subject: t.subject, step: 'intake' } },
    })
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
  })

  it('a breach that escalates is "escalated"; one naming a user tells that user; one naming nobody only the watchers', async () => {
    ctx = await setup()
    const t = await ticketOf(ctx)
    const escalated = await noticeRows(
      ctx.storage,
      unit(t),
      [breach({ notify: ctx.users.owner, escalateTo: 'x' })],
      NOW,
    )
    expect(told(escalated)).toEqual([[ctx.users.owner, 'escalated']])
    expect(await noticeRows(ctx.storage, unit(t), [breach({})], NOW)).toEqual([])
    await watch(ctx, t.id, ctx.users.agent)
    expect(told(await noticeRows(ctx.storage, unit(t), [breach({})], NOW))).toEqual([
      [ctx.users.agent, 'sla_breached'],
    ])
  })

  it('an assignment tells the assignee, unless they assigned it to themselves', async () => {
    ctx = await setup()
    const t = await ticketOf(ctx, ctx.users.agent)
    const assigned = { type: 'ticket.assigned', data: {} } as unknown as TicketEvent
    const bySupervisor = unit(t, [{ type: 'assignment', actorId: ctx.users.supervisor, payload: {} }])
    expect(told(await noticeRows(ctx.storage, bySupervisor, [assigned], NOW))).toEqual([
      [ctx.users.agent, 'assigned'],
    ])
    const byThemselves = unit(t, [{ type: 'assignment', actorId: ctx.users.agent, payload: {} }])
    expect(await noticeRows(ctx.storage, byThemselves, [assigned], NOW)).toEqual([])
    expect(await noticeRows(ctx.storage, unit({ ...t, assigneeId: null }), [assigned], NOW)).toEqual([])
    // Other events tell nobody.
    const other = { type: 'ticket.note_added', data: {} } as unknown as TicketEvent
    expect(await noticeRows(ctx.storage, bySupervisor, [other], NOW)).toEqual([])
  })

  it('a warning goes to the role or user its target names, else to the assignee, with its share as a percentage', async () => {
    ctx = await setup()
    const t = await ticketOf(ctx, ctx.users.agent)
    const warning = (notify: string | null) => ({
      type: 'transition',
      payload: {
        record: { warning: [{ policy: 'first_reply', at: 0.756, dueAt: NOW, stepId: 'intake', notify }] },
      },
    })
    const toRole = await noticeRows(ctx.storage, unit(t, [warning('senior_agent')]), [], NOW)
    expect(told(toRole)).toEqual([[ctx.users.senior_agent, 'sla_warning']])
    expect(toRole[0].payload).toEqual({
      kind: 'sla_warning',
      params: {
        ticket: t.id,
        subject: t.subject,
        metric: 'first_reply',
        share: '76',
        due: NOW,
        step: 'intake',
      },
    })
    const toUser = await noticeRows(ctx.storage, unit(t, [warning(ctx.users.owner)]), [], NOW)
    expect(told(toUser)).toEqual([[ctx.users.owner, 'sla_warning']])
    const toAssignee = await noticeRows(ctx.storage, unit(t, [warning(null)]), [], NOW)
    expect(told(toAssignee)).toEqual([[ctx.users.agent, 'sla_warning']])
  })

  it('a customer’s reply tells the assignee and the watchers (not disabled ones), under ids from the message', async () => {
    ctx = await setup()
    const t = await ticketOf(ctx)
    await ctx.call('POST', `/api/tickets/${t.id}/claim`, ctx.tokens.agent, { version: t.version })
    await watch(ctx, t.id, ctx.users.supervisor)
    await watch(ctx, t.id, ctx.users.owner)
    await ctx.call('POST', `/api/users/${ctx.users.owner}/disable`, ctx.tokens.admin, {})
    const rows = await customerReplyRows(ctx.storage, t.id, 'm_1', NOW)
    expect(rows.map((r) => [r.id, r.target, r.event]).sort()).toEqual(
      [
        [`ntc_m_1_${ctx.users.agent}`, ctx.users.agent, 'customer_replied'],
        [`ntc_m_1_${ctx.users.supervisor}`, ctx.users.supervisor, 'customer_replied'],
      ].sort(),
    )
    expect(await customerReplyRows(ctx.storage, 't_none', 'm_1', NOW)).toEqual([])
  })
})

describe('delivering a notice', () => {
  const message = (userId: string, params: Record<string, string>) =>
    ({
      id: 'msg_n1',
      kind: 'notify',
      ticketId: 't_1',
      event: 'sla_breached',
      target: userId,
      subscriptionId: null,
      payload: { kind: 'sla_breached', params: { ticket: 't_1', subject: 'Parcel lost', ...params } },
      createdAt: NOW,
      nextAt: NOW,
    }) as unknown as OutboxMessage

  it('into the bell once, live to the user’s streams, and by e-mail only when the user has it on', async () => {
    ctx = await setup()
    const hub = new NoticeHub()
    const live: Notice[] = []
    hub.listen(ctx.users.agent, (n) => live.push(n))
    const send = noticeSender(ctx.storage.notices, ctx.sopflow.outbox, hub, 'Desk <desk@bank.example>')
    expect(await send(message(ctx.users.agent, { step: 'intake' }))).toEqual({ ok: true, status: null })
    expect(await send(message(ctx.users.agent, { step: 'intake' }))).toEqual({ ok: true, status: null })
    expect(live.map((n) => n.id)).toEqual(['msg_n1'])
    const bell = await ctx.storage.notices.list(ctx.users.agent, 10)
    expect(bell).toEqual([
      {
        id: 'msg_n1',
        userId: ctx.users.agent,
        ticketId: 't_1',
        kind: 'sla_breached',
        params: { ticket: 't_1', subject: 'Parcel lost', step: 'intake' },
        createdAt: NOW,
        readAt: null,
      },
    ])
    expect(await ctx.sopflow.outbox.get('msg_n1.mail')).toBeNull()
    await ctx.storage.notices.saveSettings(ctx.users.supervisor, {
      email: 'sup@bank.example',
      emailOn: false,
    })
    await send({ ...message(ctx.users.supervisor, {}), id: 'msg_n2' })
    expect(await ctx.sopflow.outbox.get('msg_n2.mail')).toBeNull()
    await ctx.storage.notices.saveSettings(ctx.users.owner, { email: 'own@bank.example', emailOn: true })
    await send({ ...message(ctx.users.owner, { step: 'intake' }), id: 'msg_n3' })
    const mail = await ctx.sopflow.outbox.get('msg_n3.mail')
    expect(mail).toMatchObject({
      kind: 'mail',
      target: 'own@bank.example',
      event: 'notice.sla_breached',
      ticketId: 't_1',
    })
    expect(mail?.payload).toEqual({
      from: 'Desk <desk@bank.example>',
      to: 'own@bank.example',
      subject: '[t_1] SLA breached: Parcel lost',
      text: 'SLA breached: Parcel lost (t_1), step intake.',
      messageId: '<msg_n3.mail@bank.example>',
    })
    await send({ ...message(ctx.users.owner, {}), id: 'msg_n4' })
    expect((await ctx.sopflow.outbox.get('msg_n4.mail'))?.payload.text).toBe(
      'SLA breached: Parcel lost (t_1).',
    )
  })
})
