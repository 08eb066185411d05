import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { sha256 } from '../../server/services/crypto.ts'
import { importSop, startServer } from '../../server/start.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import { MIGRATIONS } from '../../server/storage/migrations.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { independentVerify } from '../independent-verifier/verify.ts'
import { setup } from './helpers.ts'
import { oldInstallation } from './oldInstallation.ts'

let ctx: Awaited<ReturnType<typeof setup>>
afterEach(async () => ctx?.storage.close())

/** A request answered in one step; a customer's reply on the closed ticket reopens it at `answer`. */
const REOPENS = {
  schema: 'sopflow/v1',
  id: 'reopens',
  title: 'Answer and close',
  department: 'Support',
  purpose: 'A request answered in one step, reopened when the customer writes again.',
  fields: [
    { name: 'order', label: 'Order number', type: 'number' },
    { name: 'kind', label: 'Kind', type: 'choice', options: [{ value: 'refund', label: 'Refund' }] },
  ],
  closedReply: { mode: 'reopen', step: 'answer' },
  initial: 'triage',
  steps: [
    { id: 'triage', kind: 'task', title: 'Triage', roles: ['agent'] },
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'triaged', from: 'triage', to: 'answer', action: 'triaged', label: 'Triaged' },
    { id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' },
  ],
}

const count = (table: string) =>
  (ctx.storage.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

async function chat(sopId = 'reopens'): Promise<Connection> {
  const admin = (await ctx.storage.listUsers()).find((u) => u.role === 'admin')!
  if (sopId === 'reopens') await importSop(ctx.storage, REOPENS, admin.id, ctx.clock().toISOString())
  const hook = await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
    kind: 'webhook',
    name: 'Chat',
    address: `chat-${sopId}`,
    sopId,
  })
  expect(hook.status).toBe(201)
  return (await ctx.storage.channels.getConnection(hook.body.id))!
}

const say = (conn: Connection, id: string, text: string) =>
  ctx.sopflow.channels.conversations.receive(conn, {
    channel: 'chat',
    sender: { handle: '@hoa', name: 'Hoa' },
    subject: text,
    text,
    conversationId: 'conv-1',
    externalId: id,
  })

async function act(ticketId: string, action: string) {
  const t = await ctx.call('GET', `/api/tickets/${ticketId}`, ctx.tokens.agent)
  const r = await ctx.call('POST', `/api/tickets/${ticketId}/actions`, ctx.tokens.agent, {
    action,
    version: t.body.ticket.version,
  })
  expect(r.status).toBe(200)
  return r.body.ticket
}

describe('channel messages in the ticket chain', () => {
  it('every message on a ticket is a `message` record carrying its id, channel and content hash; the chain verifies', async () => {
    ctx = await setup()
    const conn = await chat()
    const first = await say(conn, 'm1', 'My parcel is late')
    const second = await say(conn, 'm2', 'Any news?')
    expect(second).toMatchObject({ ticketId: first.ticketId, status: 'threaded' })
    const audit = await ctx.storage.getAudit(first.ticketId!)
    expect(audit.map((a) => a.type)).toEqual(['created', 'message', 'message'])
    const messages = await ctx.storage.channels.messagesOfTicket(first.ticketId!)
    for (const [i, m] of messages.entries()) {
      const content = { sender: '@hoa', subject: m.subject, text: m.text, html: null, attachments: [] }
      expect(audit[i + 1].payload).toEqual({
        messageId: m.id,
        channel: 'chat',
        connectionId: conn.id,
        direction: 'in',
        contentHash: sha256(canonicalJson(content)),
      })
    }
    // An agent's answer to the customer is recorded the same way.
    const answer = await ctx.call('POST', `/api/tickets/${first.ticketId}/conversation`, ctx.tokens.agent, {
      text: 'It left the depot today.',
    })
    expect(answer.status).toBe(201)
    const after = await ctx.storage.getAudit(first.ticketId!)
    expect(after.at(-1)).toMatchObject({
      type: 'message',
      payload: { direction: 'out', messageId: answer.body.id },
    })
    const verify = await ctx.call('GET', `/api/tickets/${first.ticketId}/verify`, ctx.tokens.auditor)
    expect(verify.body).toMatchObject({ ok: true, problems: [] })
    const replayed = await ctx.call('GET', `/api/tickets/${first.ticketId}/history`, ctx.tokens.auditor)
    expect(replayed.status).toBe(200)
    expect(JSON.stringify(replayed.body)).toContain(messages[1].id)
  })

  it('a message that cannot be stored leaves no ticket, customer or record behind (one commit)', async () => {
    ctx = await setup()
    const conn = await chat()
    ctx.storage.db.exec(`CREATE TRIGGER refuse_message BEFORE INSERT ON channel_messages
      WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
    const before = { tickets: count('tickets'), customers: count('customers'), audit: count('audit') }
    await expect(say(conn, 'm1', 'poison')).rejects.toThrow(/refused by the test/)
    expect({ tickets: count('tickets'), customers: count('customers'), audit: count('audit') }).toEqual(
      before,
    )
    expect(count('channel_messages')).toBe(0)
    // The same on an existing ticket: no record without its message.
    const ok = await say(conn, 'm2', 'hello')
    const records = count('audit')
    await expect(say(conn, 'm3', 'poison')).rejects.toThrow(/refused by the test/)
    expect(count('audit')).toBe(records)
    expect((await ctx.storage.getTicket(ok.ticketId!))?.auditSeq).toBe(2)
  })

  it('new tickets take sequential numbers, unique under concurrent creation', async () => {
    ctx = await setup()
    const conn = await chat()
    const received = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.sopflow.channels.conversations.receive(conn, {
          channel: 'chat',
          sender: { handle: `@c${i}` },
          subject: `Request ${i}`,
          text: `Request ${i}`,
          conversationId: `conv-${i}`,
        }),
      ),
    )
    const refs = received.map((r) => r.reference).sort()
    expect(refs).toEqual(Array.from({ length: 12 }, (_, i) => `T-${1001 + i}`))
    const rows = ctx.storage.db.prepare('SELECT number FROM tickets ORDER BY number').all()
    expect(rows).toEqual(Array.from({ length: 12 }, (_, i) => ({ number: 1001 + i })))
    const one = await ctx.call('GET', `/api/tickets/${received[0].ticketId}`, ctx.tokens.agent)
    expect(`T-${one.body.ticket.number}`).toBe(received[0].reference)
  })

  it('an upgraded installation numbers its tickets in the order they were created, and goes on from there', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sopflow-numbers-')), 'db.sqlite')
    ctx = await setup({ path })
    const ids: string[] = []
    for (const subject of ['first', 'second', 'third']) {
      const r = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
        sopId: 'support-ticket',
        channel: 'phone',
        subject,
      })
      expect(r.status).toBe(201)
      ids.push(r.body.ticket.id)
      ctx.clock.advance(60_000)
    }
    await ctx.storage.close()
    const numbering = MIGRATIONS.findIndex((m) => m.name.startsWith('ticket numbers'))
    const old = oldInstallation(path, numbering)
    const upgraded = new SqliteStorage(old)
    try {
      const numbers = await Promise.all(ids.map(async (id) => (await upgraded.getTicket(id))?.number))
      expect(numbers).toEqual([1001, 1002, 1003])
    } finally {
      await upgraded.close()
    }
    const server = await startServer({ dbPath: old, port: 0 })
    try {
      const agent = (await server.storage.listUsers()).find((u) => u.role === 'agent')!
      const next = await server.app.tickets.create(agent, {
        sopId: 'support-ticket',
        channel: 'phone',
        subject: 'fourth',
      })
      expect(next.number).toBe(1004)
    } finally {
      await server.close()
    }
  })
})

describe('a reply on a closed ticket', () => {
  it('reopens it at the step the SOP names when the SOP says so, recorded and verifiable', async () => {
    ctx = await setup()
    const conn = await chat()
    const first = await say(conn, 'm1', 'Refund please')
    const id = first.ticketId!
    await act(id, 'triaged')
    expect((await act(id, 'finish')).status).toBe('closed')
    const again = await say(conn, 'm2', 'The refund never came')
    expect(again).toMatchObject({ ticketId: id, status: 'reopened', reference: first.reference })
    const t = await ctx.storage.getTicket(id)
    expect(t).toMatchObject({ status: 'open', outcome: null, closedAt: null, steps: ['answer'] })
    const audit = await ctx.storage.getAudit(id)
    expect(audit.map((a) => a.type)).toEqual([
      'created',
      'message',
      'transition',
      'transition',
      'reopen',
      'message',
    ])
    expect((audit[4].payload as { record: { kind: string; target: string } }).record).toMatchObject({
      kind: 'reopen',
      target: 'answer',
      from: ['done'],
      to: ['answer'],
    })
    expect(count('tickets')).toBe(1)
    const verify = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
    expect(verify.body).toMatchObject({ ok: true, problems: [] })
    // The evidence bundle carries both records and verifies, by sopflow and independently.
    const res = await ctx.sopflow.app.request(`/api/tickets/${id}/evidence`, {
      headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
    })
    const bytes = Buffer.from(await res.arrayBuffer())
    const bundle = JSON.parse(bytes.toString('utf8'))
    expect(bundle.records.map((r: { type: string }) => r.type)).toContain('reopen')
    expect(checkBundle(bytes).ok).toBe(true)
    expect(independentVerify(bytes)).toEqual([])
    // The work goes on where the SOP says.
    expect((await act(id, 'finish')).status).toBe('closed')
  })

  it('a reopened ticket is not resolved on first contact', async () => {
    ctx = await setup()
    const conn = await chat()
    const reopened = (await say(conn, 'm1', 'First')).ticketId!
    await act(reopened, 'triaged')
    await act(reopened, 'finish')
    await say(conn, 'm2', 'Again')
    await act(reopened, 'finish')
    const other = await ctx.sopflow.channels.conversations.receive(conn, {
      channel: 'chat',
      sender: { handle: '@other' },
      subject: 'Once',
      text: 'Once',
      conversationId: 'conv-2',
    })
    await act(other.ticketId!, 'triaged')
    await act(other.ticketId!, 'finish')
    const m = await ctx.call('GET', '/api/metrics?sopId=reopens', ctx.tokens.supervisor)
    expect(m.status).toBe(200)
    expect(m.body.fcr).toEqual({ rate: 0.5, count: 1, of: 2 })
  })

  it('opens a linked follow-up when the SOP says followUp, leaving the closed ticket closed', async () => {
    ctx = await setup()
    const admin = (await ctx.storage.listUsers()).find((u) => u.role === 'admin')!
    const follows = { ...REOPENS, id: 'follows', closedReply: { mode: 'followUp' } }
    await importSop(ctx.storage, follows, admin.id, ctx.clock().toISOString())
    const conn = await chat('follows')
    const first = await say(conn, 'm1', 'Hello')
    await act(first.ticketId!, 'triaged')
    await act(first.ticketId!, 'finish')
    const again = await say(conn, 'm2', 'Hello again')
    expect(again.status).toBe('opened')
    expect(again.ticketId).not.toBe(first.ticketId)
    expect((await ctx.storage.getTicket(first.ticketId!))?.status).toBe('closed')
    expect((await ctx.storage.getAudit(first.ticketId!)).map((a) => a.type)).not.toContain('reopen')
  })
})

describe('a web form with SOP fields asked of the customer', () => {
  async function form() {
    const conn = await chat()
    const made = await ctx.call('POST', '/api/channels', ctx.tokens.owner, {
      kind: 'form',
      name: 'Refunds',
      address: 'refunds',
      sopId: 'reopens',
      settings: { askFields: ['order', 'kind'] },
    })
    expect(made.status).toBe(201)
    return conn
  }
  const submit = (fields: Record<string, unknown>, email = 'hoa@example.vn') =>
    ctx.call('POST', '/api/public/forms/refunds', null, {
      name: 'Hoa',
      email,
      subject: 'Refund',
      message: 'Charged twice',
      fields,
    })

  it('puts the asked fields into the ticket, typed, and not into the message text', async () => {
    ctx = await setup()
    await form()
    const sent = await submit({ order: '4711', kind: 'refund' })
    expect(sent.status).toBe(201)
    const [t] = await ctx.storage.listTickets({ channel: 'web', now: '', limit: 5, offset: 0 })
    expect(t.state.context.fields).toMatchObject({ order: 4711, kind: 'refund' })
    const [m] = await ctx.storage.channels.messagesOfTicket(t.id)
    expect(m.text).toBe('Charged twice')
  })

  it('refuses a bad value naming the field, and a field the form does not ask, writing nothing', async () => {
    ctx = await setup()
    await form()
    const before = ['tickets', 'customers', 'channel_messages', 'audit', 'status_links'].map(count)
    const bad = await submit({ order: 'forty', kind: 'refund' })
    expect(bad.status).toBe(422)
    expect(bad.body).toMatchObject({ code: 'invalid_field_value', params: { fields: 'order' } })
    const choice = await submit({ order: '1', kind: 'gift' }, 'b@example.vn')
    expect(choice.status).toBe(422)
    expect(choice.body).toMatchObject({ code: 'invalid_field_value', params: { fields: 'kind' } })
    const extra = await submit({ secret: 'x' }, 'c@example.vn')
    expect(extra.status).toBe(422)
    expect(extra.body).toMatchObject({ code: 'unknown_field', params: { fields: 'secret' } })
    expect(['tickets', 'customers', 'channel_messages', 'audit', 'status_links'].map(count)).toEqual(before)
  })
})
