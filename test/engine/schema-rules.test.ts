import { describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'

type Obj = Record<string, unknown>
/** A task whose action ends the ticket, and a second task only a transition from the first reaches. */
const base = (): Obj & { steps: Obj[]; transitions: Obj[] } => ({
  schema: 'sopflow/v1',
  id: 'schema',
  title: 'Schema',
  department: 'Care',
  purpose: 'Report each broken part.',
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work' },
    { id: 'next', kind: 'task', title: 'Next' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'go', from: 'work', to: 'next', action: 'go' },
    { id: 'finish', from: 'next', to: 'done', action: 'finish' },
  ],
})
const run = (change: (d: ReturnType<typeof base>) => void) => {
  const d = base()
  change(d)
  return validate(d)
}
const codes = (r: ReturnType<typeof validate>) => r.diagnostics.map((d) => d.code)
/** A step no transition reaches: its report shows the semantic checks ran. */
const orphan = { id: 'orphan', kind: 'task', title: 'Orphan' }

describe('schema problems', () => {
  it('refuses anything but a JSON object as a whole', () => {
    for (const input of [null, [], 'sop', 5]) {
      const r = validate(input)
      expect(r).toEqual({
        valid: false,
        document: null,
        diagnostics: [
          expect.objectContaining({
            code: 'invalid_document',
            severity: 'error',
            message: 'The SOP document must be a JSON object',
            path: '',
          }),
        ],
      })
    }
  })

  it('gives the document with its defaults when it has no problem', () => {
    const r = validate(base())
    expect(r.valid).toBe(true)
    expect(r.diagnostics).toEqual([])
    expect(r.document?.steps[0]).toMatchObject({ id: 'work', instructions: '' })
  })

  it('reports each broken top-level value and still checks the rest', () => {
    const cases: [(d: Obj) => void, Obj][] = [
      [(d) => Object.assign(d, { schema: 'sopflow/v0' }), { code: 'unsupported_schema', property: 'schema' }],
      [(d) => Object.assign(d, { title: '' }), { code: 'missing_value', property: 'title' }],
      [(d) => Object.assign(d, { department: 7 }), { code: 'invalid_value', property: 'department' }],
      [(d) => Object.assign(d, { purpose: null }), { code: 'missing_value', property: 'purpose' }],
      [
        (d) => Object.assign(d, { id: '9 sop' }),
        { code: 'invalid_id', property: 'id', params: { value: '9 sop' } },
      ],
      [
        (d) => Object.assign(d, { language: 5 }),
        { code: 'invalid_value', property: 'language', params: { value: '5' } },
      ],
      [(d) => Object.assign(d, { channels: ['fax'] }), { code: 'invalid_option', property: 'channels.0' }],
    ]
    for (const [change, expected] of cases) {
      const r = run((d) => {
        change(d)
        d.steps.push(orphan)
      })
      expect(r.valid).toBe(false)
      expect(r.document).toBeNull()
      expect(r.diagnostics[0]).toMatchObject(expected)
      expect(codes(r)).toContain('unreachable_step')
    }
  })

  it('checks nothing further when the initial step is not text', () => {
    const r = run((d) => Object.assign(d, { initial: 5 }))
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'invalid_value', property: 'initial', params: { value: '5' } }),
    ])
    expect(r.valid).toBe(false)
    expect(r.document).toBeNull()
  })

  it('names the values an option allows', () => {
    const r = run((d) => Object.assign(d.steps[2], { outcome: 'happy' }))
    expect(r.diagnostics[0]).toMatchObject({
      code: 'invalid_option',
      stepId: 'done',
      property: 'outcome',
      path: 'steps.2.outcome',
      message: expect.stringMatching(/^steps\.2\.outcome: /),
      params: {
        value: 'happy',
        allowed: 'resolved, escalated, cancelled, no_response, transferred, sold, lost',
      },
    })
  })

  it('keeps a step or transition without its broken title or label, named by its id', () => {
    const r = run((d) => {
      Object.assign(d.steps[1], { title: '' })
      Object.assign(d.transitions[0], { label: 5 })
    })
    expect(r.diagnostics.map((x) => [x.code, x.stepId ?? x.transitionId, x.property])).toEqual([
      ['missing_value', 'next', 'title'],
      ['invalid_value', 'go', 'label'],
    ])
  })

  it('keeps a transition without a broken optional value, which the flow still follows', () => {
    const r = run((d) => Object.assign(d.transitions[0], { roles: 'agent' }))
    expect(codes(r)).toEqual(['invalid_value'])
    expect(r.diagnostics[0]).toMatchObject({ transitionId: 'go', property: 'roles' })
  })

  it('drops a part it cannot read without, and reports nothing more about it', () => {
    const r = run((d) => {
      Object.assign(d.steps[1], { kind: 'boss' })
      Object.assign(d.transitions[1], { to: 5 })
    })
    expect(r.diagnostics.map((x) => [x.code, x.stepId ?? x.transitionId, x.property])).toEqual([
      ['invalid_option', 'next', 'kind'],
      ['invalid_value', 'finish', 'to'],
      ['unreachable_step', 'done', undefined],
    ])
  })

  it('skips list entries that are not objects, and a list that is not one', () => {
    const r = run((d) => {
      d.steps.push('stray' as unknown as Obj)
      d.steps.push(null as unknown as Obj)
      d.transitions.push(7 as unknown as Obj)
    })
    expect(r.diagnostics.map((x) => [x.code, x.path])).toEqual([
      ['invalid_value', 'steps.3'],
      ['missing_value', 'steps.4'],
      ['invalid_value', 'transitions.2'],
    ])
    const noSteps = run((d) => Object.assign(d, { steps: 'none' }))
    expect(noSteps.diagnostics.map((x) => [x.code, x.property])).toEqual([['invalid_value', 'steps']])
  })

  it('reports an empty list of steps as missing', () => {
    const r = run((d) => Object.assign(d, { steps: [] }))
    expect(r.diagnostics[0]).toMatchObject({ code: 'missing_value', property: 'steps' })
  })

  it('tells a bad duration, a bad name and a bad id apart', () => {
    const r = run((d) => {
      Object.assign(d.steps[0], { sla: { due: 'soon' } })
      Object.assign(d.transitions[0], { action: 'Go!' })
      Object.assign(d.transitions[1], { after: 'later', action: undefined })
      d.fields = [{ name: 'Bad', label: 'Bad', type: 'text' }]
    })
    expect(r.diagnostics.slice(0, 4).map((x) => [x.code, x.property, x.params])).toEqual([
      ['invalid_name', 'name', { value: 'Bad', field: 'Bad' }],
      ['invalid_duration', 'sla.due', { step: 'work', value: 'soon' }],
      ['invalid_name', 'action', { transition: 'go', value: 'Go!' }],
      ['invalid_duration', 'after', { transition: 'finish', value: 'later' }],
    ])
  })

  it('calls an id that is too long an invalid id', () => {
    const r = run((d) => Object.assign(d.steps[1], { id: `n${'x'.repeat(80)}` }))
    expect(r.diagnostics[0]).toMatchObject({ code: 'invalid_id', property: 'id' })
  })

  it('reads a document without transitions whose other parts are broken', () => {
    const r = run((d) => {
      Object.assign(d, { title: '', transitions: undefined })
      d.steps.splice(1, 2)
    })
    expect(r.diagnostics.map((x) => x.code)).toEqual(['missing_value', 'dead_end'])
  })

  it('gives the value of a problem only when it is text, a number or true/false', () => {
    const r = run((d) => {
      Object.assign(d.steps[0], { checklist: { read: true } })
      Object.assign(d.steps[1], { title: true })
    })
    expect(r.diagnostics.map((x) => [x.stepId, x.params])).toEqual([
      ['work', { step: 'work' }],
      ['next', { step: 'next', value: 'true' }],
    ])
  })

  it('names the step of a problem only by an id that is text', () => {
    const r = run((d) => d.steps.push({ id: 5, kind: 'task', title: 'Five' }))
    expect(r.diagnostics[0]).toMatchObject({ code: 'invalid_value', property: 'id', path: 'steps.3.id' })
    expect(r.diagnostics[0].stepId).toBeUndefined()
  })

  it('reports an empty name as missing', () => {
    const r = run((d) => Object.assign(d.transitions[0], { action: '' }))
    expect(r.diagnostics[0]).toMatchObject({ code: 'missing_value', transitionId: 'go', property: 'action' })
  })
})
