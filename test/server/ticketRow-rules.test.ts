// The ticket service first: it loads ticketRow.ts through verification.ts, as the server does.
import '../../server/services/tickets.ts'
import { describe, expect, it } from 'vitest'
import { compile } from '../../engine/index.ts'
import { compareRow, type DerivedRow, ROW_KEYS, UNKNOWN } from '../../server/services/ticketRow.ts'
import type { TicketRow } from '../../server/storage/types.ts'
import { example } from './helpers.ts'

const sop = compile(example('support-ticket'))
const state = {
  sopHash: 'h',
  value: 'intake',
  context: { a: 1 },
  status: 'open',
  outcome: null,
  active: ['intake'],
  checklist: {},
  seq: 1,
  head: 'x',
}
const row = {
  id: 't_1',
  sopId: 'support-ticket',
  sopVersion: 1,
  status: 'open',
  outcome: null,
  steps: ['diagnose', 'wait_customer'],
  assigneeId: null,
  queue: null,
  auditSeq: 3,
  state,
} as unknown as TicketRow
const derived = (d: Partial<Record<keyof TicketRow, unknown>> = {}) =>
  ({ ...row, ...d }) as unknown as DerivedRow
const keys: (keyof TicketRow)[] = [
  'sopVersion',
  'status',
  'outcome',
  'steps',
  'assigneeId',
  'queue',
  'auditSeq',
]

describe('ticket row against its history', () => {
  it('finds nothing when the row is what the history gives, and skips what the history does not determine', () => {
    expect(compareRow(sop, row, derived(), keys)).toEqual([])
    expect(compareRow(sop, { ...row, queue: 'hanoi' }, derived({ queue: UNKNOWN }), keys)).toEqual([])
    // An absent member counts as empty.
    expect(compareRow(sop, { ...row, outcome: undefined }, derived(), keys)).toEqual([])
  })

  it('names a plain difference with the stored and the expected value', () => {
    expect(compareRow(sop, { ...row, sopVersion: 2, assigneeId: 'u_ann' }, derived(), keys)).toEqual([
      {
        field: 'sopVersion',
        message: 'ticket SOP version is 2, but the history gives 1',
        stored: 2,
        expected: 1,
      },
      {
        field: 'assigneeId',
        message: 'ticket assignee is u_ann, but the history gives empty',
        stored: 'u_ann',
        expected: null,
      },
    ])
    expect(compareRow(sop, { ...row, queue: null }, derived({ queue: 'hanoi' }), ['queue'])[0].message).toBe(
      'ticket queue is empty, but the history gives hanoi',
    )
    expect(compareRow(sop, { ...row, auditSeq: 4 }, derived(), ['auditSeq'])[0].message).toBe(
      'ticket audit record count is 4, but the history gives 3',
    )
  })

  it('says where the history ends for status, steps and outcome, by step title', () => {
    const [status] = compareRow(sop, { ...row, status: 'closed' }, derived(), ['status'])
    expect(status.message).toBe(
      "ticket status is closed, but the history ends open at step Diagnose and resolve, Wait for the customer's confirmation",
    )
    const [steps] = compareRow(sop, { ...row, steps: ['intake', 'gone'] }, derived(), ['steps'])
    expect(steps.message).toBe(
      'ticket active steps is ["Receive the request","gone"], but the history ends open at step Diagnose and resolve, Wait for the customer\'s confirmation',
    )
    const closed = derived({ status: 'closed', outcome: 'resolved', steps: [] })
    expect(compareRow(sop, { ...row, status: 'closed', steps: [] }, closed, ['outcome'])[0].message).toBe(
      'ticket outcome is empty, but the history ends closed (resolved)',
    )
    const bare = derived({ status: 'closed', outcome: null, steps: [] })
    expect(compareRow(sop, { ...row, steps: [] }, bare, ['status'])[0].message).toBe(
      'ticket status is open, but the history ends closed',
    )
    expect(compareRow(sop, { ...row, steps: ['intake'] }, derived({ steps: [] }), ['steps'])[0].message).toBe(
      'ticket active steps is ["Receive the request"], but the history ends open at step —',
    )
  })

  it('compares the engine state part by part, naming each part and any member the history lacks', () => {
    const stored = {
      ...row,
      state: { ...state, context: { a: 2 }, checklist: { x: ['y'] }, seq: 2, extra: 1, more: 2 },
    }
    const found = compareRow(sop, stored as unknown as TicketRow, derived(), [])
    expect(found.map((f) => f.field)).toEqual(['state.context', 'state.checklist', 'state.seq', 'state'])
    expect(found[0].message).toBe(
      'ticket state (field values, priority or assignment target) is {"a":2}, but the history gives {"a":1}',
    )
    expect(found[1].message).toBe('ticket state (checklist ticks) is {"x":["y"]}, but the history gives {}')
    expect(found[2]).toEqual({
      field: 'state.seq',
      message: 'ticket state (seq) is 2, but the history gives 1',
      stored: 2,
      expected: 1,
    })
    expect(found[3].message).toBe('ticket state has members the history does not give: extra, more')
    for (const part of ['sopHash', 'value', 'status', 'outcome', 'active', 'head'])
      expect(
        compareRow(
          sop,
          { ...row, state: { ...state, [part]: 'zz' } } as unknown as TicketRow,
          derived(),
          [],
        ).map((f) => f.field),
      ).toEqual([`state.${part}`])
  })

  it('checks no state when the stored row has none or the history does not determine it', () => {
    const { state: _, ...noState } = row
    expect(compareRow(sop, noState, derived(), [])).toEqual([])
    expect(
      compareRow(
        sop,
        { ...row, state: { other: 1 } } as unknown as TicketRow,
        derived({ state: UNKNOWN }),
        [],
      ),
    ).toEqual([])
    const missing = compareRow(sop, { ...row, state: undefined }, derived(), [])
    expect(missing.map((f) => f.field)).toContain('state.value')
    expect(missing.find((f) => f.field === 'state.value')?.message).toBe(
      'ticket state (value) is empty, but the history gives intake',
    )
  })

  it('compares every member the history determines by default, each under its own name', () => {
    const full = {
      id: 't_1',
      sopId: 'support-ticket',
      sopVersion: 1,
      sopHash: 'h',
      channel: 'email',
      customerId: 'c_1',
      subject: 'Parcel lost',
      status: 'open',
      outcome: null,
      priority: 'normal',
      assigneeId: 'u_ann',
      queue: 'hanoi',
      version: 3,
      createdAt: 'a',
      updatedAt: 'b',
      closedAt: null,
      dueAt: 'c',
      steps: ['diagnose'],
      auditSeq: 3,
      auditHead: 'x',
      number: 7,
    }
    expect(ROW_KEYS).toEqual(Object.keys(full))
    const found = compareRow(sop, { state: undefined } as unknown as TicketRow, derived(full), undefined)
    const plain = found.filter(
      (f) => !['status', 'steps', 'outcome'].includes(f.field) && !f.field.startsWith('state'),
    )
    expect(plain.map((f) => f.message)).toEqual([
      'ticket id is empty, but the history gives t_1',
      'ticket SOP is empty, but the history gives support-ticket',
      'ticket SOP version is empty, but the history gives 1',
      'ticket SOP hash is empty, but the history gives h',
      'ticket channel is empty, but the history gives email',
      'ticket customer is empty, but the history gives c_1',
      'ticket subject is empty, but the history gives Parcel lost',
      'ticket priority is empty, but the history gives normal',
      'ticket assignee is empty, but the history gives u_ann',
      'ticket queue is empty, but the history gives hanoi',
      'ticket version is empty, but the history gives 3',
      'ticket creation time is empty, but the history gives a',
      'ticket last change time is empty, but the history gives b',
      'ticket SLA deadline is empty, but the history gives c',
      'ticket audit record count is empty, but the history gives 3',
      'ticket audit head hash is empty, but the history gives x',
      'ticket number is empty, but the history gives 7',
    ])
    const closing = compareRow(sop, { closedAt: 'z' }, derived(full), ['closedAt'])
    expect(closing[0].message).toBe('ticket closing time is z, but the history gives empty')
    // A member without a name of its own is named by its key.
    const other = compareRow(sop, { state: 1 } as unknown as TicketRow, derived({ state: 2 }), ['state'])
    expect(other[0].message).toBe('ticket state is 1, but the history gives 2')
  })

  it('reads stored steps or a stored state of the wrong shape without failing', () => {
    const [text] = compareRow(sop, { ...row, steps: 'diagnose' as unknown as string[] }, derived(), ['steps'])
    expect(text.message).toMatch(/^ticket active steps is diagnose, but/)
    const [none] = compareRow(sop, { ...row, steps: undefined }, derived(), ['steps'])
    expect(none.message).toMatch(/^ticket active steps is empty, but/)
    for (const odd of ['ab', null]) {
      const found = compareRow(sop, { ...row, state: odd } as unknown as TicketRow, derived(), [])
      expect(found.map((f) => f.field)).not.toContain('state')
      expect(found.map((f) => f.field)).toContain('state.value')
    }
  })
})
