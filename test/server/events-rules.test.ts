import { describe, expect, it } from 'vitest'
import { ticketEvents, webhookRows } from '../../server/outbox/events.ts'
import type { WebhookSubscription } from '../../server/outbox/outbox.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { AuditRow, TicketCommit, TicketRow } from '../../server/storage/types.ts'
import { setup } from './helpers.ts'

const AT = '2026-03-02T08:00:00.000Z'
const ticket = {
  id: 't_1',
  sopId: 'sop_support',
  sopVersion: 3,
  status: 'open',
  steps: ['triage'],
  channel: 'email',
  subject: 'Broken kettle',
  assigneeId: 'u_ann',
  queue: 'hanoi',
  outcome: null,
  updatedAt: AT,
} as unknown as TicketRow
const base = { ticketId: 't_1', sopId: 'sop_support', sopVersion: 3, status: 'open', steps: ['triage'] }

const audit = (type: string, payload: unknown, seq = 1): AuditRow =>
  ({
    ticketId: 't_1',
    seq,
    type,
    at: AT,
    actorId: 'u_ann',
    role: 'agent',
    payload,
    prevHash: null,
    hash: 'h',
  }) as AuditRow
const record = (r: Record<string, unknown>) => ({
  record: { kind: 'action', action: null, entered: [], status: 'open', breach: null, reason: null, ...r },
})
const unit = (
  audits: AuditRow[],
  extra: Partial<TicketCommit> = {},
  t: Partial<TicketRow> = {},
): TicketCommit => ({
  ticket: { ...ticket, ...t },
  expected: null,
  audit: audits,
  scheduleTimers: [],
  removeTimers: [],
  ...extra,
})

describe('ticket events rules', () => {
  it('announces a created ticket with its channel and subject', () => {
    expect(ticketEvents(unit([audit('created', {})]))).toEqual([
      {
        type: 'ticket.created',
        timestamp: AT,
        data: { ...base, channel: 'email', subject: 'Broken kettle' },
      },
    ])
  })

  it('announces a note with its seq, visibility and text', () => {
    expect(ticketEvents(unit([audit('note', { text: 'Called back', visibility: 'internal' }, 4)]))).toEqual([
      {
        type: 'ticket.note_added',
        timestamp: AT,
        data: { ...base, seq: 4, visibility: 'internal', text: 'Called back' },
      },
    ])
  })

  it('announces an answered survey with the answer, and nothing for a survey record without one', () => {
    expect(ticketEvents(unit([audit('survey', { answer: { score: 5, comment: 'ok' } })]))).toEqual([
      { type: 'survey.answered', timestamp: AT, data: { ...base, score: 5, comment: 'ok' } },
    ])
    expect(ticketEvents(unit([audit('survey', { sent: true }), audit('survey', null)]))).toEqual([])
  })

  it('announces an assignment with the assignee and the queue', () => {
    expect(ticketEvents(unit([audit('assignment', {})]))).toEqual([
      { type: 'ticket.assigned', timestamp: AT, data: { ...base, assigneeId: 'u_ann', queue: 'hanoi' } },
    ])
  })

  it("announces a message received with the stored message's text, and nothing for one sent", () => {
    const message = { message: { id: 'm_1', text: 'Hello' }, attachments: [] } as unknown as NonNullable<
      TicketCommit['messages']
    >[number]
    const inbound = audit('message', { messageId: 'm_1', channel: 'email', direction: 'in' }, 2)
    expect(ticketEvents(unit([inbound], { messages: [message] }))).toEqual([
      {
        type: 'ticket.message_received',
        timestamp: AT,
        data: { ...base, seq: 2, messageId: 'm_1', channel: 'email', text: 'Hello' },
      },
    ])
    expect(ticketEvents(unit([inbound]))[0].data.text).toBeNull()
    expect(
      ticketEvents(unit([audit('message', { messageId: 'm_1', channel: 'email', direction: 'out' })])),
    ).toEqual([])
  })

  it('announces a received message without text when no stored message has its id', () => {
    const other = { message: { id: 'm_2', text: 'Other' }, attachments: [] } as unknown as NonNullable<
      TicketCommit['messages']
    >[number]
    const inbound = audit('message', { messageId: 'm_1', channel: 'email', direction: 'in' }, 2)
    expect(ticketEvents(unit([inbound], { messages: [other] }))[0].data.text).toBeNull()
  })

  it('announces a survey answer only for a survey record', () => {
    const events = ticketEvents(unit([audit('assignment', { answer: { score: 5 } })]))
    expect(events.map((e) => e.type)).toEqual(['ticket.assigned'])
  })

  it('announces an action with its name, an override as such, and the steps entered in order', () => {
    const events = ticketEvents(
      unit([
        audit('transition', record({ kind: 'action', action: 'escalate', entered: ['review', 'wait'] })),
      ]),
    )
    expect(events).toEqual([
      { type: 'ticket.action_taken', timestamp: AT, data: { ...base, action: 'escalate', actorId: 'u_ann' } },
      { type: 'ticket.step_entered', timestamp: AT, data: { ...base, step: 'review' } },
      { type: 'ticket.step_entered', timestamp: AT, data: { ...base, step: 'wait' } },
    ])
    expect(ticketEvents(unit([audit('transition', record({ kind: 'override' }))]))).toEqual([
      { type: 'ticket.action_taken', timestamp: AT, data: { ...base, action: 'override', actorId: 'u_ann' } },
    ])
    expect(ticketEvents(unit([audit('transition', record({ kind: 'timer' }))]))).toEqual([])
  })

  it('announces a reopening with its reason, a breach with its details, and a closing with the outcome', () => {
    const events = ticketEvents(
      unit(
        [
          audit('transition', record({ kind: 'reopen', reason: 'customer wrote again' })),
          audit('transition', record({ kind: 'timer', breach: { stepId: 'triage', notify: 'supervisor' } })),
          audit('transition', record({ kind: 'update', status: 'closed' })),
        ],
        {},
        { outcome: 'resolved' },
      ),
    )
    expect(events).toEqual([
      { type: 'ticket.reopened', timestamp: AT, data: { ...base, reason: 'customer wrote again' } },
      {
        type: 'ticket.sla_breached',
        timestamp: AT,
        data: { ...base, stepId: 'triage', notify: 'supervisor' },
      },
      { type: 'ticket.closed', timestamp: AT, data: { ...base, outcome: 'resolved' } },
    ])
  })

  it('announces nothing for records that carry no transition', () => {
    expect(ticketEvents(unit([audit('update', { fields: {} }), audit('update', null)]))).toEqual([])
  })
})

describe('webhook rows rules', () => {
  const subscription = (s: Partial<WebhookSubscription>): WebhookSubscription => ({
    id: 'sub_1',
    url: 'https://hooks.example.com/a',
    events: ['ticket.created'],
    sopId: null,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previousSecret: null,
    previousUntil: null,
    allowPrivate: false,
    active: true,
    createdAt: AT,
    createdBy: 'u_admin',
    ...s,
  })
  const created = { type: 'ticket.created' as const, timestamp: AT, data: { ticketId: 't_1' } }
  const closed = { type: 'ticket.closed' as const, timestamp: AT, data: { ticketId: 't_1' } }

  it('makes one row per active subscription that wants the event and covers the SOP', async () => {
    const storage = new SqliteStorage(':memory:')
    await storage.outbox.saveSubscription(
      subscription({ id: 'sub_all', events: ['ticket.created', 'ticket.closed'] }),
    )
    await storage.outbox.saveSubscription(
      subscription({ id: 'sub_sop', sopId: 'sop_support', url: 'https://b.example.com/' }),
    )
    await storage.outbox.saveSubscription(subscription({ id: 'sub_other', sopId: 'sop_other' }))
    await storage.outbox.saveSubscription(subscription({ id: 'sub_off', active: false }))
    const rows = await webhookRows(storage.outbox, 'sop_support', [created, closed], AT)
    expect(
      rows
        .map((r) => [r.subscriptionId, r.event, r.target, r.kind, r.ticketId, r.createdAt, r.nextAt])
        .sort(),
    ).toEqual(
      [
        ['sub_all', 'ticket.created', 'https://hooks.example.com/a', 'webhook', 't_1', AT, AT],
        ['sub_all', 'ticket.closed', 'https://hooks.example.com/a', 'webhook', 't_1', AT, AT],
        ['sub_sop', 'ticket.created', 'https://b.example.com/', 'webhook', 't_1', AT, AT],
      ].sort(),
    )
    expect(rows[0].payload).toEqual(rows[0].event === 'ticket.created' ? created : closed)
    expect(rows[0].id).toMatch(/^msg_/)
    expect(new Set(rows.map((r) => r.id)).size).toBe(3)
    expect(await webhookRows(storage.outbox, 'sop_support', [], AT)).toEqual([])
  })

  it('a row of an event without a ticket has no ticket id', async () => {
    const storage = new SqliteStorage(':memory:')
    await storage.outbox.saveSubscription(subscription({}))
    const rows = await webhookRows(storage.outbox, null, [{ ...created, data: {} }], AT)
    expect(rows.map((r) => r.ticketId)).toEqual([null])
  })
})

describe('outbox committer rules', () => {
  it('commits the webhook of each event with the ticket operation that caused it', async () => {
    const c = await setup()
    await c.storage.outbox.saveSubscription({
      id: 'sub_created',
      url: 'https://hooks.example.com/created',
      events: ['ticket.created', 'ticket.note_added'],
      sopId: null,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      previousSecret: null,
      previousUntil: null,
      allowPrivate: false,
      active: true,
      createdAt: AT,
      createdBy: c.users.admin,
    })
    const r = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
    })
    expect(r.status).toBe(201)
    const rows = await c.storage.outbox.list({ subscriptionId: 'sub_created', limit: 10, offset: 0 })
    expect(rows.map((m) => [m.event, m.ticketId, m.target])).toEqual([
      ['ticket.created', r.body.ticket.id, 'https://hooks.example.com/created'],
    ])
    expect(rows[0].createdAt).toBe(r.body.ticket.createdAt)
  })
})
