import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledSop } from '../../engine/index.ts'
import { verifyAudit } from '../../server/services/verification.ts'
import type { AuditRow, TicketRow } from '../../server/storage/types.ts'
import { setup } from './helpers.ts'
import { busyTicket, type Ctx, rechain } from './ledgerFixture.ts'

/**
 * The verification of a ticket's records and the export of its evidence, each against records
 * tampered in exactly one part: the outcome names that part, and only it.
 */
let ctx: Ctx
let id: string
let sop: CompiledSop
let row: TicketRow
let audit: AuditRow[]

beforeAll(async () => {
  ctx = await setup()
  id = await busyTicket(ctx)
  row = (await ctx.storage.getTicket(id))!
  audit = await ctx.storage.getAudit(id)
  sop = await ctx.sopflow.tickets.sopFor(row.sopId, row.sopVersion)
})
afterAll(() => ctx?.storage.close())

const records = () => structuredClone(audit)
const headed = (rs: AuditRow[]) => ({ ...row, auditHead: rs.at(-1)?.hash ?? null })

describe('verifying a ticket from its records', () => {
  it('passes the records as stored, stating the chain length and the engine records replayed', () => {
    const v = verifyAudit(sop, row, audit)
    expect(v).toEqual({
      ok: true,
      chain: { ok: true, length: audit.length },
      replay: { ok: true, records: 2 },
      ticket: { ok: true, checked: true, problems: [] },
      problems: [],
    })
  })

  it('names the record whose content changed, by index and number, and nothing else of the chain', () => {
    const rs = records()
    ;(rs[2].payload as Record<string, unknown>).changed = true
    const v = verifyAudit(sop, row, rs)
    expect(v.ok).toBe(false)
    expect(v.chain).toEqual({
      ok: false,
      length: rs.length,
      index: 2,
      seq: 2,
      reason: 'record 2 was changed after it was written (its hash does not match its content)',
    })
    expect(v.problems[0]).toBe(`hash chain broken at record 2: ${v.chain.reason}`)
  })

  it('names a chain whose last hash is not the ticket head, at the last index', () => {
    const v = verifyAudit(sop, { ...row, auditHead: audit[2].hash }, audit)
    expect(v.chain).toEqual({
      ok: false,
      length: audit.length,
      index: audit.length - 1,
      reason: "the log's last hash does not match the ticket's head: records were removed or added",
    })
    expect(v.problems[0]).toBe(`hash chain broken at record ${audit.length - 1}: ${v.chain.reason}`)
  })

  it('passes an empty log only against a ticket with no head', () => {
    expect(verifyAudit(sop, { ...row, auditHead: null }, []).chain).toEqual({ ok: true, length: 0 })
    expect(verifyAudit(sop, row, []).chain.ok).toBe(false)
  })

  it('names a record of an engine type that holds no engine record, or one that is an array', () => {
    for (const payload of [null, {}, { record: null }, { record: 'start' }, { record: [] }]) {
      const rs = records()
      rs[3].payload = payload
      const v = verifyAudit(sop, headed(rechain(rs)), rs)
      expect(v.chain.ok).toBe(true)
      expect(v.replay).toEqual({
        ok: false,
        records: 0,
        seq: 3,
        reason: 'record 3 is of type transition but holds no engine record (its payload is not one)',
      })
      expect(v.ticket).toEqual({ ok: false, checked: false, problems: [] })
      expect(v.problems).toEqual([`replay diverges at record 3: ${v.replay.reason}`])
    }
  })

  it('skips records that carry no engine record: a note changed into an assignment still replays', () => {
    const rs = records()
    const note = rs.findIndex((r) => r.type === 'note')
    rs[note].payload = { ...(rs[note].payload as object), record: { kind: 'nonsense' } }
    const v = verifyAudit(sop, headed(rechain(rs)), rs)
    expect(v.replay).toEqual({ ok: true, records: 2 })
  })

  it('states where a replay diverges, with what was expected and what was recorded', () => {
    const rs = records()
    const r = (rs[3].payload as { record: Record<string, unknown> }).record
    r.to = ['resolved']
    const v = verifyAudit(sop, headed(rechain(rs)), rs)
    expect(v.chain.ok).toBe(true)
    expect(v.replay).toMatchObject({
      ok: false,
      records: 2,
      index: 1,
      seq: 1,
      recorded: { to: ['resolved'] },
    })
    expect(v.replay.expected).toMatchObject({ to: expect.any(Array) })
    expect(v.replay.expected).not.toEqual(v.replay.recorded)
    expect(v.ticket.checked).toBe(false)
    expect(v.problems).toEqual([`replay diverges at record 1: ${v.replay.reason}`])
  })

  it('names an engine record that lacks its number, and a state head the records do not end in', () => {
    const rs = records()
    ;(rs[3].payload as { record: Record<string, unknown> }).record = { kind: 'action' }
    const v = verifyAudit(sop, headed(rechain(rs)), rs)
    expect(v.ok).toBe(false)
    expect(v.replay).toEqual({
      ok: false,
      records: 2,
      index: 1,
      seq: undefined,
      reason: 'record 1 has seq undefined',
      expected: 1,
      recorded: undefined,
    })
    const head = verifyAudit(sop, { ...row, state: { ...row.state, head: 'x' } }, audit)
    expect(head.replay).toEqual({
      ok: false,
      records: 2,
      index: 1,
      seq: 1,
      reason: "the last record does not match the ticket's stored head hash",
      expected: 'x',
      recorded: row.state.head,
    })
    expect(head.ticket).toEqual({ ok: false, checked: false, problems: [] })
  })

  it('names each member of the ticket row that differs from the history, and only that one', () => {
    const v = verifyAudit(sop, { ...row, subject: 'Not charged' }, audit)
    expect(v.chain.ok && v.replay.ok).toBe(true)
    expect(v.ticket.checked).toBe(true)
    expect(v.ticket.ok).toBe(false)
    expect(v.ticket.problems).toEqual([
      {
        field: 'subject',
        message: 'ticket subject is Not charged, but the history gives Charged twice',
        stored: 'Not charged',
        expected: 'Charged twice',
      },
    ])
    expect(v.problems).toEqual(['ticket subject is Not charged, but the history gives Charged twice'])
  })

  it('checks a summary by its field values and state head, and not by its number', () => {
    const { number: _n, state, ...summary } = row
    const fields = state.context.fields
    const asSummary = { ...summary, state: { head: state.head } } as unknown as TicketRow
    expect(verifyAudit(sop, asSummary, audit, { summaryFields: fields }).ok).toBe(true)
    const other = verifyAudit(sop, asSummary, audit, {
      summaryFields: { ...fields, customer_name: 'Someone else' },
    })
    expect(other.ticket.problems).toEqual([
      {
        field: 'fields',
        message: expect.stringMatching(/^ticket field values are .*Someone else.*, but the history gives /),
      },
    ])
  })
})

describe('the evidence export', () => {
  const get = (path: string) => ctx.call('GET', path, ctx.tokens.auditor)

  it('states the ticket and its records exactly as stored', async () => {
    const res = await get(`/api/tickets/${id}/evidence`)
    expect(res.status).toBe(200)
    const b = res.body
    expect(b.format).toBe('sopflow-evidence/v2')
    expect(b.records).toEqual(
      audit.map((a) => ({
        actorId: a.actorId,
        at: a.at,
        hash: a.hash,
        leaf: a.leaf,
        payload: a.payload,
        prevHash: a.prevHash,
        role: a.role,
        seq: a.seq,
        ticketId: a.ticketId,
        type: a.type,
      })),
    )
    const t = (await ctx.storage.getTicket(id))!
    expect(b.ticket).toEqual({
      assigneeId: t.assigneeId,
      auditHead: t.auditHead,
      auditSeq: t.auditSeq,
      channel: t.channel,
      closedAt: t.closedAt,
      createdAt: t.createdAt,
      customerId: t.customerId,
      dueAt: t.dueAt,
      fields: t.state.context.fields,
      id: t.id,
      outcome: t.outcome,
      priority: t.priority,
      queue: t.queue,
      sopHash: t.sopHash,
      sopId: t.sopId,
      sopVersion: t.sopVersion,
      stateHead: t.state.head,
      status: t.status,
      steps: t.steps,
      subject: t.subject,
      updatedAt: t.updatedAt,
      version: t.version,
    })
    expect(b.exportedBy).toBe(ctx.users.auditor)
    expect(b.sop).toMatchObject({ id: 'support-ticket', version: t.sopVersion, hash: t.sopHash })
  })

  it('proves against an earlier tree head only records it holds, and names a size never signed', async () => {
    const made = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Card lost',
      queue: 'tier1',
    })
    expect(made.status).toBe(201)
    const later = made.body.ticket.id as string
    const size = (await ctx.sopflow.ledger.head()).size
    const at = await get(`/api/tickets/${later}/evidence?size=${size}`)
    expect(at.status).toBe(200)
    expect(at.body.treeHead.size).toBe(size)
    expect(at.body.records.map((r: AuditRow) => r.leaf)).toEqual([size - 1])
    expect(at.body.proofs).toHaveLength(1)
    expect(
      (await ctx.call('POST', `/api/tickets/${later}/notes`, ctx.tokens.agent, { text: 'Blocked the card' }))
        .status,
    ).toBe(201)
    const early = await get(`/api/tickets/${later}/evidence?size=${size}`)
    expect(early.status).toBe(422)
    expect(early.body).toMatchObject({ code: 'ledger_leaf_unknown', seq: 1, size })
    const now = await get(`/api/tickets/${later}/evidence`)
    expect(now.status).toBe(200)
    expect(now.body.treeHead.size).toBe(size + 1)
    const never = await get(`/api/tickets/${id}/evidence?size=999`)
    expect(never.status).toBe(404)
    expect(never.body).toMatchObject({ code: 'not_found', size: 999 })
  })
})
