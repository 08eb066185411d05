import { describe, expect, it } from 'vitest'
import {
  BIND_TARGETS,
  CHANNELS,
  FIELD_TYPES,
  OUTCOMES,
  STEP_KINDS,
  sopDocumentSchema,
  WAIT_KINDS,
} from '../../engine/index.ts'

const base = () => ({
  schema: 'sopflow/v1',
  id: 'schema',
  title: 'Schema',
  department: 'Care',
  purpose: 'Read every part.',
  initial: 'work',
  steps: [{ id: 'work', kind: 'task', title: 'Work' }],
})
const parse = (extra: Record<string, unknown>) => sopDocumentSchema.safeParse({ ...base(), ...extra })

describe('the SOP document schema', () => {
  it('lists the values each choice allows', () => {
    expect(CHANNELS).toEqual(['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms'])
    expect(FIELD_TYPES).toEqual(['text', 'longtext', 'number', 'boolean', 'choice', 'date', 'email', 'phone'])
    expect(BIND_TARGETS).toEqual([
      'customer.name',
      'customer.phone',
      'customer.email',
      'customer.address',
      'ticket.subject',
      'ticket.channel',
    ])
    expect(STEP_KINDS).toEqual(['task', 'decision', 'wait', 'group', 'parallel', 'end'])
    expect(OUTCOMES).toEqual([
      'resolved',
      'escalated',
      'cancelled',
      'no_response',
      'transferred',
      'sold',
      'lost',
    ])
    expect(WAIT_KINDS).toEqual(['customer', 'third_party'])
  })

  it('accepts every channel and refuses another', () => {
    expect(parse({ channels: [...CHANNELS] }).success).toBe(true)
    expect(parse({ channels: ['fax'] }).success).toBe(false)
  })

  it('fills in the defaults of a document, a step, a field and a transition', () => {
    const doc = sopDocumentSchema.parse({
      ...base(),
      fields: [{ name: 'note', label: 'Note', type: 'text' }],
      steps: [
        { id: 'work', kind: 'task', title: 'Work', checklist: [{ id: 'read', text: 'Read' }] },
        { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      ],
      transitions: [{ id: 'finish', from: 'work', to: 'done', action: 'finish' }],
    })
    expect(doc).toMatchObject({
      description: '',
      owner: '',
      language: 'en',
      channels: [],
      glossary: [],
      layout: { nodes: {}, edges: {} },
    })
    expect(doc.fields[0].personal).toBe(false)
    expect(doc.steps[0]).toMatchObject({ instructions: '', requiredFields: [], roles: [] })
    expect(doc.steps[0].checklist).toEqual([{ id: 'read', text: 'Read', required: true }])
    expect(doc.transitions[0]).toMatchObject({ label: '', effects: [], skipRequirements: false })
  })

  it('refuses ids that do not start with a letter or hold other characters, naming the rule', () => {
    for (const id of ['9work', 'wo rk', 'work!', '', 'x'.repeat(81)]) {
      const result = parse({ initial: id })
      expect(result.success).toBe(false)
    }
    expect(
      parse({ initial: 'w'.repeat(80), steps: [{ id: 'w'.repeat(80), kind: 'task', title: 'W' }] }).success,
    ).toBe(true)
    const bad = parse({ initial: '9work' })
    expect(bad.error?.issues[0].message).toBe(
      'must start with a letter and hold only letters, digits, "_" and "-"',
    )
  })

  it('refuses a field name that is not lower_snake_case, and a bind target it does not know, naming them', () => {
    const name = parse({ fields: [{ name: 'Note', label: 'Note', type: 'text' }] })
    expect(name.error?.issues[0].message).toBe(
      'must be lower_snake_case (used in CEL guards as ticket.<name>)',
    )
    const bind = parse({ fields: [{ name: 'note', label: 'Note', type: 'text', bind: 'customer.shoe' }] })
    expect(bind.error?.issues[0].message).toBe(`must be one of ${BIND_TARGETS.join(', ')}`)
  })

  it('refuses a duration that is not ISO-8601, naming an example', () => {
    const result = parse({ steps: [{ id: 'work', kind: 'task', title: 'Work', sla: { due: 'two hours' } }] })
    expect(result.error?.issues[0].message).toBe('must be an ISO-8601 duration such as PT2H or P1D')
  })

  it('bounds the service targets', () => {
    expect(parse({ targets: { fcr: 1, slaBreachRate: 0, csat: 5, nps: -100, ces: 7 } }).success).toBe(true)
    for (const targets of [
      { fcr: 1.1 },
      { slaBreachRate: -0.1 },
      { csat: 0.5 },
      { csat: 6 },
      { nps: 101 },
      { nps: 1.5 },
      { ces: 8 },
      { other: 1 },
    ])
      expect(parse({ targets }).success).toBe(false)
  })

  it('reads the policy metrics, priorities and closed-reply modes it knows, and no others', () => {
    const target = (t: Record<string, unknown>) =>
      parse({ policy: { targets: [{ metric: 'resolution', due: 'P1D', ...t }] } })
    for (const metric of ['first_reply', 'next_reply', 'resolution'])
      expect(target({ metric }).success).toBe(true)
    expect(target({ metric: 'lunch' }).success).toBe(false)
    expect(target({ priorities: ['urgent', 'high', 'normal', 'low'] }).success).toBe(true)
    expect(target({ priorities: ['whenever'] }).success).toBe(false)
    for (const raisePriority of ['urgent', 'high', 'normal'])
      expect(target({ raisePriority }).success).toBe(true)
    expect(target({ raisePriority: 'low' }).success).toBe(false)
    expect(target({ channels: [] }).success).toBe(false)
    expect(target({ warnAt: 0 }).success).toBe(false)
    expect(target({ warnAt: 1 }).success).toBe(false)
    for (const mode of ['reopen', 'followUp']) expect(parse({ closedReply: { mode } }).success).toBe(true)
    expect(parse({ closedReply: { mode: 'ignore' } }).success).toBe(false)
    expect(parse({ closedReply: { mode: 'reopen', extra: 1 } }).success).toBe(false)
  })

  it('defaults the lists of a bare document and step to empty', () => {
    const doc = sopDocumentSchema.parse(base())
    expect(doc.fields).toEqual([])
    expect(doc.transitions).toEqual([])
    expect(doc.steps[0].checklist).toEqual([])
  })

  it('reads the effects it knows, with their values', () => {
    const effects = (e: unknown[]) =>
      parse({ transitions: [{ id: 't', from: 'work', to: 'work', action: 'again', effects: e }] }).success
    for (const value of ['low', 'normal', 'high', 'urgent'])
      expect(effects([{ type: 'priority', value }])).toBe(true)
    expect(effects([{ type: 'priority', value: 'asap' }])).toBe(false)
    expect(effects([{ type: 'assign', role: 'lead', queue: 'vip' }])).toBe(true)
    expect(effects([{ type: 'assign', role: '' }])).toBe(false)
    expect(effects([{ type: 'assign', queue: '' }])).toBe(false)
    expect(effects([{ type: 'hug' }])).toBe(false)
  })

  it('refuses empty names where a role, a team or a recipient is named, and a team name over 100 characters', () => {
    const step = (extra: Record<string, unknown>) =>
      parse({ steps: [{ id: 'work', kind: 'task', title: 'Work', ...extra }] }).success
    expect(step({ team: 't'.repeat(100), sla: { due: 'PT1H', notify: 'lead' } })).toBe(true)
    expect(step({ team: 't'.repeat(101) })).toBe(false)
    expect(step({ team: '' })).toBe(false)
    expect(step({ sla: { due: 'PT1H', notify: '' } })).toBe(false)
    const target = (t: Record<string, unknown>) =>
      parse({ policy: { targets: [{ metric: 'resolution', due: 'P1D', ...t }] } }).success
    expect(target({ warnAt: 0.5, warnNotify: 'lead' })).toBe(true)
    expect(target({ warnAt: 0.5, warnNotify: '' })).toBe(false)
  })

  it('takes an action name only in lower_snake_case, naming the rule', () => {
    const action = (a: string) => parse({ transitions: [{ id: 't', from: 'work', to: 'work', action: a }] })
    expect(action('confirm_id2').success).toBe(true)
    for (const a of ['Confirm', '2confirm', 'confirm-id', 'con firm']) expect(action(a).success).toBe(false)
    expect(action('Confirm').error?.issues[0].message).toBe('must be lower_snake_case')
    const field = (name: string) => parse({ fields: [{ name, label: 'F', type: 'text' }] }).success
    expect(field('note_2')).toBe(true)
    for (const name of ['Note', '2note', 'no-te', 'no te', 'noteX']) expect(field(name)).toBe(false)
    for (const id of ['w', 'W-2_x'])
      expect(parse({ initial: id, steps: [{ id, kind: 'task', title: 'W' }] }).success).toBe(true)
  })
})
