import { describe, expect, it } from 'vitest'
import { Diagnostics } from '../../engine/diagnostics.ts'
import { surveyPolicySchema } from '../../engine/survey.ts'
import {
  checkTemplates,
  type ReplyTemplate,
  replyTemplateSchema,
  TEMPLATE_FILTERS,
  TEMPLATE_PLACEHOLDERS,
  templateProblems,
} from '../../engine/templates.ts'

const issues = (schema: typeof replyTemplateSchema | typeof surveyPolicySchema, value: unknown): string[] => {
  const r = schema.safeParse(value)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`)
}

describe('the placeholders of a reply template', () => {
  it('offers the customer, ticket, agent and step, and text-only filters', () => {
    expect(TEMPLATE_PLACEHOLDERS).toEqual(['customer.name', 'ticket.reference', 'agent.name', 'step.title'])
    expect(TEMPLATE_FILTERS).toEqual(['upcase', 'downcase', 'capitalize', 'default', 'strip'])
  })
  it('finds nothing wrong with known placeholders and filters, spaced or trimmed', () => {
    expect(
      templateProblems(
        'Dear {{customer.name}}, {{ ticket.reference | upcase }} {{- agent.name | default: "us" | strip -}} {{ step.title|capitalize|downcase }}',
      ),
    ).toEqual([])
    expect(templateProblems('No placeholders at all')).toEqual([])
  })
  it('names an unknown placeholder, an unknown filter and any tag, tags first', () => {
    expect(templateProblems('{{ customer.email }} {{ agent.name | json }} {% if x %}y{% endif %}')).toEqual([
      { kind: 'tag', value: 'if' },
      { kind: 'tag', value: 'endif' },
      { kind: 'placeholder', value: 'customer.email' },
      { kind: 'filter', value: 'json' },
    ])
  })
  it('reads a tag and a placeholder across lines and with whitespace control', () => {
    expect(templateProblems('{%- assign\n  x = 1 -%}{{-\n ticket.id\n-}}')).toEqual([
      { kind: 'tag', value: 'assign' },
      { kind: 'placeholder', value: 'ticket.id' },
    ])
  })
  it('reads tags and placeholders written without spaces', () => {
    expect(templateProblems('{%if%}{{ticket.id}}{{agent.name|json}}')).toEqual([
      { kind: 'tag', value: 'if' },
      { kind: 'placeholder', value: 'ticket.id' },
      { kind: 'filter', value: 'json' },
    ])
  })
  it('names a filter by its name alone, without its argument', () => {
    expect(templateProblems('{{ agent.name | truncate: 5 }}')).toEqual([
      { kind: 'filter', value: 'truncate' },
    ])
    expect(templateProblems('{{ agent.name | default : "x" }}')).toEqual([])
  })
  it('names each unknown filter of a chain, and an empty placeholder', () => {
    expect(templateProblems('{{ step.title | a | upcase | b }}{{ }}')).toEqual([
      { kind: 'filter', value: 'a' },
      { kind: 'filter', value: 'b' },
      { kind: 'placeholder', value: '' },
    ])
  })
})

describe('the reply template schema', () => {
  const ok = { id: 'greet', title: 'Greeting', text: 'Hello' }
  it('takes a template with or without steps', () => {
    expect(issues(replyTemplateSchema, ok)).toEqual([])
    expect(issues(replyTemplateSchema, { ...ok, steps: ['a-1', 'B_2'] })).toEqual([])
    expect(issues(replyTemplateSchema, { ...ok, id: 'x'.repeat(80), title: 'x'.repeat(200) })).toEqual([])
    expect(issues(replyTemplateSchema, { ...ok, text: 'x'.repeat(10_000) })).toEqual([])
  })
  it('names the field that is empty, too long or badly formed, and refuses unknown fields', () => {
    expect(issues(replyTemplateSchema, { ...ok, id: '' })).toEqual(['id: too_small', 'id: invalid_format'])
    expect(issues(replyTemplateSchema, { ...ok, id: 'x'.repeat(81) })).toEqual(['id: too_big'])
    expect(issues(replyTemplateSchema, { ...ok, id: '1a' })).toEqual(['id: invalid_format'])
    expect(issues(replyTemplateSchema, { ...ok, id: 'a.b' })).toEqual(['id: invalid_format'])
    expect(issues(replyTemplateSchema, { ...ok, steps: ['ok', '-no'] })).toEqual(['steps.1: invalid_format'])
    expect(issues(replyTemplateSchema, { ...ok, title: '' })).toEqual(['title: too_small'])
    expect(issues(replyTemplateSchema, { ...ok, title: 'x'.repeat(201) })).toEqual(['title: too_big'])
    expect(issues(replyTemplateSchema, { ...ok, text: '' })).toEqual(['text: too_small'])
    expect(issues(replyTemplateSchema, { ...ok, text: 'x'.repeat(10_001) })).toEqual(['text: too_big'])
    expect(issues(replyTemplateSchema, { ...ok, extra: 1 })).toEqual([': unrecognized_keys'])
  })
  it('explains the id rule in words', () => {
    const r = replyTemplateSchema.safeParse({ ...ok, id: '9' })
    expect(r.success ? '' : r.error.issues[0].message).toBe(
      'must start with a letter and hold only letters, digits, "_" and "-"',
    )
  })
})

describe('checking the reply templates of a SOP', () => {
  const run = (templates: ReplyTemplate[], steps: string[]) => {
    const d = new Diagnostics()
    checkTemplates(templates, new Set(steps), d)
    return d.list.map(({ code, message, property, variant, params }) => ({
      code,
      message,
      property,
      variant,
      params,
    }))
  }
  it('passes unique templates offered in known steps', () => {
    expect(
      run(
        [
          { id: 'a', title: 'A', text: '{{ agent.name }}', steps: ['s1'] },
          { id: 'b', title: 'B', text: 'x' },
        ],
        ['s1'],
      ),
    ).toEqual([])
  })
  it('names a second template with the same id', () => {
    expect(
      run(
        [
          { id: 'a', title: 'A', text: 'x' },
          { id: 'b', title: 'B', text: 'x' },
          { id: 'a', title: 'C', text: 'x' },
        ],
        [],
      ),
    ).toEqual([
      {
        code: 'duplicate_id',
        message: 'Two reply templates have the id "a"',
        property: 'templates.2',
        variant: 'template',
        params: { value: 'a' },
      },
    ])
  })
  it('names a step that does not exist', () => {
    expect(run([{ id: 'a', title: 'Greeting', text: 'x', steps: ['s1', 'gone'] }], ['s1'])).toEqual([
      {
        code: 'unknown_target',
        message: 'Reply template "a" is offered in step "gone", which does not exist',
        property: 'templates.0',
        variant: 'template',
        params: { value: 'gone', item: 'Greeting' },
      },
    ])
  })
  it('names each wrong placeholder, filter or tag with what is allowed', () => {
    const allowed = 'customer.name, ticket.reference, agent.name, step.title'
    expect(
      run(
        [
          { id: 'a', title: 'T', text: 'x' },
          { id: 'b', title: 'Bye', text: '{{ x | y }}' },
        ],
        [],
      ),
    ).toEqual([
      {
        code: 'template_placeholder',
        message: `Reply template "b" uses placeholder "x"; it may use only ${allowed}`,
        property: 'templates.1',
        variant: 'placeholder',
        params: { value: 'x', item: 'Bye', allowed },
      },
      {
        code: 'template_placeholder',
        message: `Reply template "b" uses filter "y"; it may use only ${allowed}`,
        property: 'templates.1',
        variant: 'filter',
        params: { value: 'y', item: 'Bye', allowed },
      },
    ])
  })
})

describe('the survey policy schema', () => {
  const seed = 'abcdefgh'
  it('fills in the outcomes, period and expiry', () => {
    expect(surveyPolicySchema.parse({ rate: 0.3, seed })).toEqual({
      rate: 0.3,
      seed,
      outcomes: ['resolved'],
      periodDays: 90,
      expiresDays: 14,
    })
  })
  it('takes the edges of each range', () => {
    const edges = [
      { rate: 0, periodDays: 0, expiresDays: 1, seed },
      { rate: 1, periodDays: 3650, expiresDays: 365, seed: 'x'.repeat(200) },
      { rate: 0.5, seed, outcomes: ['resolved', 'escalated', 'no_response', 'transferred', 'sold', 'lost'] },
    ]
    for (const e of edges) expect(issues(surveyPolicySchema, e)).toEqual([])
  })
  it('names each value outside its range', () => {
    expect(issues(surveyPolicySchema, { rate: -0.1, seed })).toEqual(['rate: too_small'])
    expect(issues(surveyPolicySchema, { rate: 1.1, seed })).toEqual(['rate: too_big'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, outcomes: [] })).toEqual(['outcomes: too_small'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, outcomes: ['cancelled'] })).toEqual([
      'outcomes.0: invalid_value',
    ])
    expect(issues(surveyPolicySchema, { rate: 1, seed, periodDays: -1 })).toEqual(['periodDays: too_small'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, periodDays: 3651 })).toEqual(['periodDays: too_big'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, periodDays: 1.5 })).toEqual([
      'periodDays: invalid_type',
    ])
    expect(issues(surveyPolicySchema, { rate: 1, seed, expiresDays: 0 })).toEqual(['expiresDays: too_small'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, expiresDays: 366 })).toEqual(['expiresDays: too_big'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, expiresDays: 2.5 })).toEqual([
      'expiresDays: invalid_type',
    ])
    expect(issues(surveyPolicySchema, { rate: 1, seed: 'short' })).toEqual(['seed: too_small'])
    expect(issues(surveyPolicySchema, { rate: 1, seed: 'x'.repeat(201) })).toEqual(['seed: too_big'])
    expect(issues(surveyPolicySchema, { rate: 1, seed, sample: 2 })).toEqual([': unrecognized_keys'])
  })
})
