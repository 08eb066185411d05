import { describe, expect, it } from 'vitest'
import { triggerOf, validate } from '../../engine/index.ts'

type Obj = Record<string, unknown>
const base = (): Obj & { steps: Obj[]; transitions: Obj[]; fields: Obj[] } => ({
  schema: 'sopflow/v1',
  id: 'rules',
  title: 'Rules',
  department: 'Care',
  purpose: 'Check the document-wide rules.',
  initial: 'work',
  fields: [],
  steps: [
    { id: 'work', kind: 'task', title: 'Work' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish' }],
})
const codes = (d: Obj) => validate(d).diagnostics.map((x) => x.code)
const withPolicy = (target: Obj, extra: Obj = {}) => ({
  ...base(),
  ...extra,
  policy: { targets: [{ metric: 'resolution', due: 'P1D', ...target }] },
})

describe('what triggers a transition', () => {
  it('is its action, else its delay, else nothing', () => {
    expect(triggerOf({ action: 'go', after: 'PT1H' })).toBe('action')
    expect(triggerOf({ after: 'PT1H' })).toBe('after')
    expect(triggerOf({})).toBe('automatic')
  })
})

describe('policy rules', () => {
  it('needs the step a target escalates to', () => {
    expect(codes(withPolicy({ escalateTo: 'work' }))).toEqual([])
    expect(validate(withPolicy({ escalateTo: 'boss' })).diagnostics).toEqual([
      expect.objectContaining({ code: 'unknown_target', params: { target: 'boss', step: 'resolution' } }),
    ])
  })

  it('needs a field bound to the channel for a target naming channels', () => {
    expect(codes(withPolicy({ channels: ['phone'] }))).toEqual(['policy_channel_without_field'])
    const bound = withPolicy({ channels: ['phone'] })
    bound.fields = [{ name: 'note', label: 'Note', type: 'text', bind: 'ticket.subject' }]
    expect(codes(bound)).toEqual(['policy_channel_without_field'])
    bound.fields = [
      { name: 'note', label: 'Note', type: 'text', bind: 'ticket.subject' },
      { name: 'via', label: 'Via', type: 'text', bind: 'ticket.channel' },
    ]
    expect(codes(bound)).toEqual([])
  })

  it('warns of a business-time target with no calendar of its own or of the SOP', () => {
    expect(codes(withPolicy({ time: 'business' }))).toEqual(['business_time_without_calendar'])
    expect(codes(withPolicy({ time: 'calendar' }))).toEqual([])
    expect(codes(withPolicy({}))).toEqual([])
    expect(validate(withPolicy({ time: 'business', calendar: 'desk' })).diagnostics).toEqual([])
    expect(validate(withPolicy({ time: 'business' }, { calendar: 'desk' })).diagnostics).toEqual([])
  })
})

describe('reopening rules', () => {
  it('reopens only at a step that exists and is not an end', () => {
    const at = (step: string) => validate({ ...base(), closedReply: { mode: 'reopen', step } }).diagnostics
    expect(at('work')).toEqual([])
    expect(at('done')).toEqual([
      expect.objectContaining({ code: 'unknown_target', message: expect.stringMatching(/end step/) }),
    ])
    expect(at('gone')).toEqual([
      expect.objectContaining({ code: 'unknown_target', message: expect.stringMatching(/does not exist/) }),
    ])
  })
})

describe('fields, glossary and hierarchy', () => {
  it('needs options on a choice field', () => {
    const d = base()
    d.fields = [{ name: 'kind', label: 'Kind', type: 'choice' }]
    expect(codes(d)).toEqual(['choice_without_options'])
    d.fields = [{ name: 'kind', label: 'Kind', type: 'choice', options: [{ value: 'a', label: 'A' }] }]
    expect(codes(d)).toEqual([])
  })

  it('warns of a glossary term defined twice, whatever its case', () => {
    const glossary = (terms: string[]) =>
      codes({ ...base(), glossary: terms.map((term) => ({ term, definition: 'x' })) })
    expect(glossary(['SLA', 'sla'])).toEqual(['duplicate_term'])
    expect(glossary(['SLA', 'FRT'])).toEqual([])
  })

  it('does not report a parent it could not read', () => {
    const d = base()
    d.steps.push(
      { id: 'g', kind: 'box', title: 'G' },
      { id: 'inner', kind: 'task', title: 'Inner', parent: 'g' },
    )
    expect(codes(d)).not.toContain('unknown_parent')
    d.steps[2] = { id: 'h', kind: 'task', title: 'H' }
    expect(codes(d)).toContain('unknown_parent')
  })

  it('warns of a parallel step with one region, never of one with two', () => {
    const d = base()
    d.steps.push(
      { id: 'p', kind: 'parallel', title: 'P' },
      { id: 'r1', kind: 'group', title: 'R1', parent: 'p', initial: 'a' },
      { id: 'a', kind: 'end', title: 'A', parent: 'r1' },
      { id: 'r2', kind: 'group', title: 'R2', parent: 'p', initial: 'b' },
      { id: 'b', kind: 'end', title: 'B', parent: 'r2' },
    )
    d.transitions.push(
      { id: 'split', from: 'work', to: 'p', action: 'split' },
      { id: 'joined', from: 'p', to: 'done' },
    )
    expect(codes(d)).toEqual([])
    d.steps = d.steps.filter((s) => s.id !== 'r2' && s.id !== 'b')
    expect(codes(d)).toEqual(['parallel_single_region'])
  })
})
