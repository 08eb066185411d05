import { describe, expect, it } from 'vitest'
import {
  type Accepted,
  type Actor,
  compile,
  type Decision,
  decide,
  type SopDocumentInput,
  start,
  type TicketInput,
  type TicketState,
} from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const agent: Actor = { id: 'u-agent', role: 'agent' }
const supervisor: Actor = { id: 'u-sup', role: 'supervisor' }
const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:01:00.000Z'

function ok(d: Decision): Accepted {
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}: ${d.rejection.message}`)
  return d
}

function rejection(d: Decision) {
  if (d.ok) throw new Error('accepted')
  return d.rejection
}

const withNotes = sampleSop()
withNotes.fields.push({ name: 'notes', label: 'Notes', type: 'longtext' })
withNotes.fields.push({ name: 'reference', label: 'Reference', type: 'text' })
const sop = compile(withNotes)
const begin = (): TicketState => ok(start(sop, { actor: agent, now: T0 })).state
const act = (state: TicketState, input: TicketInput, actor = agent) => decide(sop, state, input, actor, T1)
const atManager = (): TicketState => ok(act(begin(), { kind: 'action', action: 'escalate' })).state

describe('field values of an input', () => {
  it('refuses field values that are not an object of name to value', () => {
    for (const fields of [[], 'x', 7] as unknown[]) {
      expect(rejection(act(begin(), { kind: 'update', fields } as TicketInput))).toEqual({
        code: 'invalid_input',
        message: 'Field values must be an object of field name to value',
      })
    }
  })

  it('names every field the SOP does not have', () => {
    expect(
      rejection(act(begin(), { kind: 'update', fields: { colour: 'red', size: 'L', amount: 1 } })),
    ).toEqual({
      code: 'unknown_field',
      message: 'Not a field of this SOP: colour, size',
      fields: [
        { field: 'colour', message: 'not a field of this SOP' },
        { field: 'size', message: 'not a field of this SOP' },
      ],
    })
  })

  it('says what each wrongly typed value must be, choices with their options', () => {
    const d = act(begin(), {
      kind: 'update',
      fields: { fault: 'nobody', amount: 'many', notes: 3, reference: false, customer_name: 'An' },
    })
    expect(rejection(d)).toEqual({
      code: 'invalid_field_value',
      message:
        'Who is at fault must be one of company, customer; Refund amount must be a number; Notes must be a text; Reference must be a text',
      fields: [
        { field: 'fault', message: 'Who is at fault must be one of company, customer' },
        { field: 'amount', message: 'Refund amount must be a number' },
        { field: 'notes', message: 'Notes must be a text' },
        { field: 'reference', message: 'Reference must be a text' },
      ],
    })
  })

  it('counts an empty text and an empty value as a missing required field, zero-like text not', () => {
    for (const customer_name of ['', null]) {
      const d = act(begin(), {
        kind: 'action',
        action: 'start_investigation',
        fields: { customer_name },
        ticks: { intake: ['greet'] },
      })
      expect(rejection(d)).toMatchObject({ code: 'missing_fields', missing: ['customer_name'] })
    }
    const d = act(begin(), {
      kind: 'action',
      action: 'start_investigation',
      fields: { customer_name: '0' },
      ticks: { intake: ['greet'] },
    })
    expect(ok(d).record.to).toEqual(['check'])
  })
})

describe('checklist ticks of an input', () => {
  it('refuses ticks for a step that is not current, or not a step at all', () => {
    for (const stepId of ['manager', 'nowhere']) {
      expect(rejection(act(begin(), { kind: 'update', ticks: { [stepId]: ['x'] } }))).toEqual({
        code: 'invalid_input',
        message: `Checklist ticks for "${stepId}", which is not a current step`,
        stepId,
      })
    }
  })

  it('refuses ticks that are not a list', () => {
    const input = { kind: 'update', ticks: { intake: 'greet' } } as unknown as TicketInput
    expect(rejection(act(begin(), input))).toEqual({
      code: 'invalid_input',
      message: 'Checklist ticks for "intake" must be a list',
      stepId: 'intake',
    })
  })

  it('names the items the step does not have', () => {
    const d = act(begin(), { kind: 'update', ticks: { intake: ['greet', 'smile', 'wave'] } })
    expect(rejection(d)).toEqual({
      code: 'invalid_input',
      message: 'Step "intake" has no checklist item smile, wave',
      stepId: 'intake',
      missing: ['smile', 'wave'],
    })
  })

  it('accepts a tick of an item of the current step', () => {
    const d = ok(act(begin(), { kind: 'update', ticks: { intake: ['greet'] } }))
    expect(d.state.checklist.intake).toEqual(['greet'])
  })
})

describe('roles of an update', () => {
  it("lets only the step's roles tick its checklist", () => {
    expect(rejection(act(begin(), { kind: 'update', ticks: { intake: ['greet'] } }, supervisor))).toEqual({
      code: 'role_not_permitted',
      message: 'Role "supervisor" may not tick the checklist of step "intake"; it needs: agent',
      stepId: 'intake',
      roles: ['agent'],
    })
    const manyRoles: Actor = { id: 'u-2', role: 'supervisor', roles: ['agent'] }
    expect(ok(act(begin(), { kind: 'update', ticks: { intake: ['greet'] } }, manyRoles)).record.kind).toBe(
      'update',
    )
  })

  it("lets only a current step's roles write fields", () => {
    expect(rejection(act(atManager(), { kind: 'update', fields: { amount: 5, fault: 'company' } }))).toEqual({
      code: 'role_not_permitted',
      message: 'Role "agent" may not write fields in step "manager"; it needs: supervisor',
      stepId: 'manager',
      roles: ['supervisor'],
      fields: [
        { field: 'amount', message: 'not writable by this role in the current step' },
        { field: 'fault', message: 'not writable by this role in the current step' },
      ],
    })
    const d = ok(act(atManager(), { kind: 'update', fields: { amount: 5 } }, supervisor))
    expect(d.state.context.fields.amount).toBe(5)
  })

  it('lets any role write fields in a step that names none, and tick nothing with no ticks', () => {
    const s = ok(
      act(begin(), {
        kind: 'action',
        action: 'start_investigation',
        fields: { customer_name: 'An' },
        ticks: { intake: ['greet'] },
      }),
    ).state
    const d = ok(act(s, { kind: 'update', fields: { fault: 'company' } }, supervisor))
    expect(d.state.context.fields.fault).toBe('company')
    expect(ok(act(atManager(), { kind: 'update', fields: {} })).record.kind).toBe('update')
  })

  it('in parallel steps, a role of any current step may write; otherwise every role is named once', () => {
    const par = compile(parallelDoc())
    const s = ok(start(par, { actor: agent, now: T0 })).state
    const d = decide(par, s, { kind: 'update', fields: { note: 'x' } }, agent, T1)
    const r = rejection(d)
    expect(r.code).toBe('role_not_permitted')
    expect(['a1', 'b1']).toContain(r.stepId)
    expect(r.message).toBe(
      `Role "agent" may not write fields in step "${r.stepId}"; it needs: ${r.roles?.join(', ')}`,
    )
    expect([...(r.roles ?? [])].sort()).toEqual(['billing', 'legal'])
    // Billing may work in a1 but not in b1: a role of one current step is enough.
    const billing: Actor = { id: 'u-b', role: 'billing' }
    expect(
      ok(decide(par, s, { kind: 'update', fields: { note: 'x' } }, billing, T1)).state.context.fields.note,
    ).toBe('x')
  })

  it("names all of a step's roles when a checklist tick needs one, and takes one item of several", () => {
    const par = compile(parallelDoc())
    const s = ok(start(par, { actor: agent, now: T0 })).state
    expect(rejection(decide(par, s, { kind: 'update', ticks: { a1: ['sign'] } }, agent, T1))).toEqual({
      code: 'role_not_permitted',
      message: 'Role "agent" may not tick the checklist of step "a1"; it needs: billing, legal',
      stepId: 'a1',
      roles: ['billing', 'legal'],
    })
    const legal: Actor = { id: 'u-l', role: 'legal' }
    expect(
      ok(decide(par, s, { kind: 'update', ticks: { a1: ['sign'] } }, legal, T1)).state.checklist.a1,
    ).toEqual(['sign'])
  })
})

/** Two regions at once: a1 needs billing or legal (and has a checklist of two), b1 needs legal. */
function parallelDoc(): SopDocumentInput {
  return {
    schema: 'sopflow/v1',
    id: 'par',
    title: 'Parallel roles',
    department: 'Care',
    purpose: 'Two teams work at once.',
    fields: [{ name: 'note', label: 'Note', type: 'text' }],
    initial: 'both',
    steps: [
      { id: 'both', kind: 'parallel', title: 'Both' },
      { id: 'ra', kind: 'group', title: 'A', parent: 'both', initial: 'a1' },
      {
        id: 'a1',
        kind: 'task',
        title: 'A1',
        parent: 'ra',
        roles: ['billing', 'legal'],
        checklist: [
          { id: 'read', text: 'Read the file' },
          { id: 'sign', text: 'Sign it' },
        ],
      },
      { id: 'a2', kind: 'end', title: 'A2', parent: 'ra' },
      { id: 'rb', kind: 'group', title: 'B', parent: 'both', initial: 'b1' },
      { id: 'b1', kind: 'task', title: 'B1', parent: 'rb', roles: ['legal'] },
      { id: 'b2', kind: 'end', title: 'B2', parent: 'rb' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
    ],
    transitions: [
      { id: 'ta', from: 'a1', to: 'a2', action: 'a', label: 'A' },
      { id: 'tb', from: 'b1', to: 'b2', action: 'b', label: 'B' },
      { id: 'td', from: 'both', to: 'done' },
    ],
  }
}
