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
})
