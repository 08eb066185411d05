// The ticket service first: it loads ticketRow.ts through verification.ts, as the server does.
import '../../server/services/tickets.ts'
import { describe, expect, it } from 'vitest'
import { compile, type TicketState } from '../../engine/index.ts'
import { deriveRow, UNKNOWN } from '../../server/services/ticketRow.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import { example } from './helpers.ts'

const sop = compile(example('support-ticket'))
const at = (n: number) => `2026-03-02T10:0${n}:00.000Z`

/** An engine state open at the steps named, entered at minute n. */
const st = (steps: string[], n: number, context: Record<string, unknown> = {}): TicketState =>
  ({
    sopHash: 'h',
    value: steps[0] ?? 'resolved',
    context: { fields: {}, priority: 'normal', ...context },
    status: steps.length ? 'open' : 'closed',
    outcome: steps.length ? null : 'resolved',
    active: Object.fromEntries(steps.map((id) => [id, { enteredAt: at(n) }])),
    checklist: {},
    seq: n,
    head: `h${n}`,
  }) as unknown as TicketState

const rec = (seq: number, type: string, payload: unknown = {}, actorId = 'u_ann', role = 'agent') =>
  ({
    ticketId: 't_1',
    seq,
    type,
    at: at(seq),
    actorId,
    role,
    payload,
    prevHash: null,
    hash: `x${seq}`,
  }) as AuditRow

const ticket = {
  sopId: 'support-ticket',
  sopVersion: 1,
  sopHash: 'h',
  channel: 'email',
  subject: 'Parcel lost',
  queue: null,
  number: 7,
}
const created = (t: Record<string, unknown> = ticket, actor = 'u_ann') =>
  rec(0, 'created', { ticket: t }, actor)

describe('the ticket row a history gives', () => {
  it('takes a created record: its ticket, the open state and the audit head', () => {
    const { row, findings } = deriveRow(sop, [created()], [st(['intake'], 0)])
    expect(findings).toEqual([])
    expect(row).toEqual({
      id: 't_1',
      sopId: 'support-ticket',
      sopVersion: 1,
      sopHash: 'h',
      channel: 'email',
      customerId: null,
      subject: 'Parcel lost',
      status: 'open',
      outcome: null,
      priority: 'normal',
      assigneeId: null,
      queue: null,
      version: 1,
      createdAt: at(0),
      updatedAt: at(0),
      closedAt: null,
      dueAt: '2026-03-02T10:15:00.000Z',
      steps: ['intake'],
      state: st(['intake'], 0),
      auditSeq: 1,
      auditHead: 'x0',
      number: 7,
    })
    const full = { ...ticket, customerId: 'c_1', priority: 'high', assigneeId: 'u_ann', queue: 'hanoi' }
    const { row: r2 } = deriveRow(sop, [created(full)], [st(['identify'], 0, { priority: 'high' })])
    expect(r2).toMatchObject({ customerId: 'c_1', priority: 'high', assigneeId: 'u_ann', queue: 'hanoi' })
  })

  it('leaves what the created record does not state unknown: the queue and the number', () => {
    const { queue: _, number: __, ...old } = ticket
    const { row } = deriveRow(sop, [created(old)], [st(['identify'], 0)])
    expect(row?.queue).toBe(UNKNOWN)
    expect(row?.number).toBe(UNKNOWN)
    const { row: named } = deriveRow(sop, [created({ ...ticket, number: '7' })], [st(['identify'], 0)])
    expect(named?.number).toBe(UNKNOWN)
  })

  it('stops at a record before the creation, and where the replay has no state left', () => {
    expect(deriveRow(sop, [rec(0, 'note')], [])).toEqual({
      row: null,
      findings: [{ field: 'history', seq: 0, message: 'record 0 comes before the ticket was created' }],
    })
    expect(deriveRow(sop, [created(), rec(1, 'note')], [])).toEqual({ row: null, findings: [] })
    const { row } = deriveRow(sop, [created(), rec(1, 'transition'), rec(2, 'note')], [st(['identify'], 0)])
    expect(row).toMatchObject({ version: 1, auditSeq: 1, auditHead: 'x0', updatedAt: at(0) })
  })

  it('applies each state-changing record, one version each', () => {
    for (const type of ['transition', 'update', 'override', 'timer', 'reopen']) {
      const { row, findings } = deriveRow(sop, [created(), rec(1, type)], [st(['intake'], 0), st([], 1)])
      expect(findings).toEqual([])
      expect(row).toMatchObject({
        status: 'closed',
        outcome: 'resolved',
        steps: [],
        version: 2,
        updatedAt: at(1),
        closedAt: at(1),
        dueAt: null,
        auditSeq: 2,
        auditHead: 'x1',
      })
    }
  })

  it('touches only the change time for notes, messages, surveys and watches, and nothing for rejections', () => {
    for (const type of ['note', 'message', 'survey', 'watch']) {
      const { row } = deriveRow(sop, [created(), rec(1, type)], [st(['intake'], 0)])
      expect(row).toMatchObject({ version: 1, updatedAt: at(1), auditSeq: 2, auditHead: 'x1' })
    }
    const { row, findings } = deriveRow(sop, [created(), rec(1, 'rejected')], [st(['intake'], 0)])
    expect(findings).toEqual([])
    expect(row).toMatchObject({ version: 1, updatedAt: at(0), auditSeq: 2, auditHead: 'x1' })
  })

  it('names a record type sopflow does not write and goes on', () => {
    const { row, findings } = deriveRow(sop, [created(), rec(1, 'bogus')], [st(['intake'], 0)])
    expect(findings).toEqual([
      { field: 'history', seq: 1, message: 'record 1 has type "bogus", which sopflow does not write' },
    ])
    expect(row).toMatchObject({ version: 1, updatedAt: at(0), auditSeq: 2 })
  })

  it('takes an assignment: the assignee, the queue when stated, one version', () => {
    const audit = [created(), rec(1, 'assignment', { to: 'u_bob', queue: 'hanoi' }, 'u_sue', 'supervisor')]
    const { row } = deriveRow(sop, audit, [st(['identify'], 0)])
    expect(row).toMatchObject({ assigneeId: 'u_bob', queue: 'hanoi', version: 2, updatedAt: at(1) })
    const kept = deriveRow(
      sop,
      [created({ ...ticket, queue: 'paris' }), rec(1, 'assignment', {})],
      [st(['identify'], 0)],
    )
    expect(kept.row).toMatchObject({ assigneeId: null, queue: 'paris', version: 2 })
    const emptied = deriveRow(
      sop,
      [created({ ...ticket, queue: 'paris' }), rec(1, 'assignment', { queue: null })],
      [st(['identify'], 0)],
    )
    expect(emptied.row?.queue).toBeNull()
  })
})

describe('the assignee a history gives across steps of other roles', () => {
  const assigned = { ...ticket, assigneeId: 'u_ann' }
  const toReview = [st(['propose'], 0), st(['manager_review'], 1)]

  it('lets the assignee go to the new steps’ role queue when their recorded role may not do them', () => {
    const { row } = deriveRow(sop, [created(assigned), rec(1, 'transition')], toReview)
    expect(row).toMatchObject({ assigneeId: null, queue: 'senior_agent', version: 2 })
    const senior = deriveRow(
      sop,
      [created(assigned, 'u_ann'), rec(1, 'transition', {}, 'u_ann', 'senior_agent')],
      toReview,
    )
    expect(senior.row).toMatchObject({ assigneeId: 'u_ann', queue: null })
  })

  it('prefers the roles a record keeps for the assignee to the role they acted in', () => {
    const audit = [created(assigned), rec(1, 'transition', { assigneeRoles: ['supervisor'] })]
    expect(deriveRow(sop, audit, toReview).row).toMatchObject({ assigneeId: 'u_ann', queue: null })
  })

  it('does not know the assignee when nothing says their role', () => {
    const handed = rec(1, 'assignment', { to: 'u_bob' }, 'u_sue', 'supervisor')
    const audit = [created(), handed, rec(2, 'transition', {}, 'system', 'system')]
    const { row } = deriveRow(sop, audit, toReview)
    expect(row?.assigneeId).toBe(UNKNOWN)
    expect(row?.queue).toBe(UNKNOWN)
    expect(row?.version).toBe(3)
    // Steps no role is named for keep whoever holds the ticket.
    const waiting = deriveRow(sop, audit, [st(['propose'], 0), st(['wait_customer'], 1)])
    expect(waiting.row).toMatchObject({ assigneeId: 'u_bob', queue: null })
    // A ticket nobody holds has no assignee role to know.
    const free = deriveRow(sop, [created(), rec(1, 'transition', {}, 'system', 'system')], toReview)
    expect(free.row).toMatchObject({ assigneeId: null, queue: null })
  })

  it('learns the assignee’s role from a claim or from the role they were given', () => {
    const claim = rec(1, 'assignment', { to: 'u_bob', claimed: true }, 'system', 'senior_agent')
    const next = rec(2, 'transition', {}, 'system', 'system')
    expect(deriveRow(sop, [created(), claim, next], toReview).row).toMatchObject({ assigneeId: 'u_bob' })
    const given = rec(1, 'assignment', { to: 'u_bob', toRole: 'senior_agent' }, 'u_sue', 'supervisor')
    expect(deriveRow(sop, [created(), given, next], toReview).row).toMatchObject({ assigneeId: 'u_bob' })
    const unclaimed = rec(1, 'assignment', { to: 'u_bob', claimed: false }, 'system', 'senior_agent')
    expect(deriveRow(sop, [created(), unclaimed, next], toReview).row?.assigneeId).toBe(UNKNOWN)
  })

  it('does not know the assignee once a queue the history did not state becomes known', () => {
    const { queue: _, ...old } = assigned
    const states = [st(['identify'], 0), st(['classify'], 1, { queue: 'hanoi' })]
    const { row } = deriveRow(sop, [created(old), rec(1, 'transition')], states)
    expect(row).toMatchObject({ queue: 'hanoi', assigneeId: UNKNOWN })
    const { assigneeId: __, ...nobody } = old
    expect(deriveRow(sop, [created(nobody), rec(1, 'transition')], states).row).toMatchObject({
      queue: 'hanoi',
      assigneeId: null,
    })
  })

  it('does not take the role a system record acts in as anyone’s', () => {
    const audit = [
      created({ ...ticket, assigneeId: 'system' }),
      rec(1, 'transition', {}, 'system', 'supervisor'),
    ]
    expect(deriveRow(sop, audit, toReview).row?.assigneeId).toBe(UNKNOWN)
  })

  it('keeps the assignee at active steps the SOP does not have, which name no roles', () => {
    const handed = rec(1, 'assignment', { to: 'u_bob' }, 'u_sue', 'supervisor')
    const audit = [created(), handed, rec(2, 'transition', {}, 'system', 'system')]
    const { row } = deriveRow(sop, audit, [st(['propose'], 0), st(['gone'], 1)])
    expect(row).toMatchObject({ assigneeId: 'u_bob', steps: ['gone'] })
  })
})

describe('the replay states a history is read with', () => {
  it('gives each state-changing record the next state in order', () => {
    const audit = [created(), rec(1, 'transition'), rec(2, 'transition')]
    const { row } = deriveRow(sop, audit, [st(['intake'], 0), st(['identify'], 1), st(['classify'], 2)])
    expect(row).toMatchObject({ steps: ['classify'], version: 3 })
  })

  it('reads a created record whose ticket is not an object as stating nothing', () => {
    for (const t of ['abc', null, ['a']]) {
      const { row } = deriveRow(sop, [rec(0, 'created', { ticket: t })], [st(['identify'], 0)])
      expect(row).toMatchObject({ queue: UNKNOWN, number: UNKNOWN, version: 1, steps: ['identify'] })
    }
    const { row } = deriveRow(sop, [rec(0, 'created', 'abc')], [st(['identify'], 0)])
    expect(row?.queue).toBe(UNKNOWN)
  })
})
