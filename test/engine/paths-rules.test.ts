import { describe, expect, it } from 'vitest'
import { compile, paths, type SopDocumentInput, type SopPath } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'

const START = '2026-01-01T08:00:00.000Z'
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString()
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A task that needs a value of every field type, then a decision on a number and a text. */
function formDoc(): SopDocumentInput {
  return {
    schema: 'sopflow/v1',
    id: 'form',
    title: 'Form',
    department: 'Care',
    purpose: 'Collect everything, then route.',
    fields: [
      { name: 'mail', label: 'Mail', type: 'email' },
      { name: 'tel', label: 'Phone', type: 'phone' },
      { name: 'day', label: 'Day', type: 'date' },
      { name: 'flag', label: 'Flag', type: 'boolean' },
      {
        name: 'kind',
        label: 'Kind',
        type: 'choice',
        options: [
          { value: 'first', label: 'First' },
          { value: 'second', label: 'Second' },
        ],
      },
      { name: 'name', label: 'Name', type: 'text' },
      { name: 'amount', label: 'Amount', type: 'number' },
      { name: 'code', label: 'Code', type: 'text' },
      { name: 'count', label: 'Count', type: 'number' },
    ],
    initial: 'collect',
    steps: [
      {
        id: 'collect',
        kind: 'task',
        title: 'Collect',
        requiredFields: ['mail', 'tel', 'day', 'flag', 'kind', 'name', 'amount', 'count'],
      },
      { id: 'route', kind: 'decision', title: 'Route' },
      { id: 'big', kind: 'end', title: 'Big', outcome: 'resolved' },
      { id: 'vip', kind: 'end', title: 'VIP', outcome: 'resolved' },
      { id: 'normal', kind: 'end', title: 'Normal', outcome: 'resolved' },
    ],
    transitions: [
      { id: 'collected', from: 'collect', to: 'route', action: 'collected', label: 'Collected' },
      { id: 'to_big', from: 'route', to: 'big', guard: 'ticket.amount >= 100' },
      { id: 'to_vip', from: 'route', to: 'vip', guard: 'ticket.code == "VIP"' },
      { id: 'to_normal', from: 'route', to: 'normal' },
    ],
  }
}

/** A task whose SLA escalates to a boss: the only way to the escalated end is the SLA timer. */
function slaDoc(): SopDocumentInput {
  return {
    schema: 'sopflow/v1',
    id: 'sla',
    title: 'SLA',
    department: 'Care',
    purpose: 'Escalate late work.',
    initial: 'work',
    steps: [
      { id: 'work', kind: 'task', title: 'Work', sla: { due: 'PT1H', escalateTo: 'boss' } },
      { id: 'boss', kind: 'task', title: 'Boss', roles: ['supervisor'] },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      { id: 'late', kind: 'end', title: 'Late', outcome: 'escalated' },
    ],
    transitions: [
      { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
      { id: 'close', from: 'boss', to: 'late', action: 'close', label: 'Close' },
    ],
  }
}

/** Decisions met on the way, on fields no step asks for: guards ahead of an action steer its values. */
function aheadDoc(): SopDocumentInput {
  return {
    schema: 'sopflow/v1',
    id: 'ahead',
    title: 'Ahead',
    department: 'Care',
    purpose: 'Guards behind groups and parallel steps.',
    fields: [
      { name: 'amount', label: 'Amount', type: 'number' },
      { name: 'urgent', label: 'Urgent', type: 'boolean' },
      { name: 'yes', label: 'Yes', type: 'boolean' },
    ],
    initial: 'ask',
    steps: [
      { id: 'ask', kind: 'task', title: 'Ask' },
      // A group whose first step is a decision.
      { id: 'g', kind: 'group', title: 'G', initial: 'gd' },
      { id: 'gd', kind: 'decision', title: 'GD', parent: 'g' },
      { id: 'g_yes', kind: 'task', title: 'Yes', parent: 'g' },
      { id: 'g_no', kind: 'task', title: 'No', parent: 'g' },
      { id: 'g_end', kind: 'end', title: 'G end', parent: 'g' },
      // Two regions; when both end, a decision on a field neither region asks for.
      { id: 'both', kind: 'parallel', title: 'Both' },
      { id: 'ra', kind: 'group', title: 'A', parent: 'both', initial: 'a1' },
      { id: 'a1', kind: 'task', title: 'A1', parent: 'ra' },
      { id: 'a2', kind: 'end', title: 'A2', parent: 'ra' },
      { id: 'rb', kind: 'group', title: 'B', parent: 'both', initial: 'b1' },
      { id: 'b1', kind: 'task', title: 'B1', parent: 'rb' },
      { id: 'b2', kind: 'end', title: 'B2', parent: 'rb' },
      { id: 'route', kind: 'decision', title: 'Route' },
      { id: 'big', kind: 'end', title: 'Big', outcome: 'resolved' },
      { id: 'small', kind: 'end', title: 'Small', outcome: 'resolved' },
      { id: 'hurry', kind: 'end', title: 'Hurry', outcome: 'escalated' },
      { id: 'normal', kind: 'end', title: 'Normal', outcome: 'resolved' },
    ],
    transitions: [
      { id: 'to_g', from: 'ask', to: 'g', action: 'group', label: 'Group' },
      { id: 'to_both', from: 'ask', to: 'both', action: 'both', label: 'Both' },
      { id: 'gd_yes', from: 'gd', to: 'g_yes', guard: 'ticket.yes' },
      { id: 'gd_no', from: 'gd', to: 'g_no' },
      { id: 'yes_done', from: 'g_yes', to: 'g_end', action: 'done', label: 'Done' },
      { id: 'no_done', from: 'g_no', to: 'g_end', action: 'done', label: 'Done' },
      { id: 'g_out', from: 'g', to: 'normal' },
      { id: 'ta', from: 'a1', to: 'a2', action: 'a', label: 'A' },
      { id: 'tb', from: 'b1', to: 'b2', action: 'b', label: 'B' },
      { id: 'both_out', from: 'both', to: 'route' },
      { id: 'r_big', from: 'route', to: 'big', guard: 'ticket.amount >= 100.25' },
      { id: 'r_small', from: 'route', to: 'small', guard: 'ticket.amount < 10' },
      { id: 'r_hurry', from: 'route', to: 'hurry', guard: 'ticket.urgent' },
      { id: 'r_normal', from: 'route', to: 'normal' },
    ],
  }
}

const byEnd = (found: SopPath[], end: string) => found.filter((p) => p.endStepId === end)

describe('paths: inputs', () => {
  it('fills required fields with a sample of their type and tries each side of a number or text guard', () => {
    const found = paths(compile(formDoc()))
    const sample = {
      mail: 'customer@example.com',
      tel: '+84 90 123 4567',
      day: '2026-01-02',
      flag: true,
      kind: 'first',
      name: 'Sample',
      count: 1,
    }
    expect(found.map((p) => [p.endStepId, p.inputs.map((i) => i.input)])).toEqual([
      [
        'normal',
        [{ kind: 'action', action: 'collected', fields: { ...sample, amount: 99, code: 'Sample' } }],
      ],
      ['vip', [{ kind: 'action', action: 'collected', fields: { ...sample, amount: 99, code: 'VIP' } }]],
      ['big', [{ kind: 'action', action: 'collected', fields: { ...sample, amount: 100, code: 'Sample' } }]],
    ])
    for (const p of found) {
      expect(p.steps).toEqual(['collect', 'route', p.endStepId])
      expect(p.outcome).toBe('resolved')
      expect(p.inputs[0].actor).toEqual({ id: 'path', role: 'agent' })
    }
  })

  it('starts when asked, and takes each input a minute after the last', () => {
    const startAt = '2026-06-01T10:00:00.000Z'
    const found = paths(compile(sampleSop()), { startAt })
    expect(found.length).toBeGreaterThan(2)
    for (const p of found) {
      expect(p.startAt).toBe(startAt)
      expect(p.inputs[0].at).toBe(
        p.inputs[0].input.kind === 'action' ? plus(startAt, MINUTE) : p.inputs[0].at,
      )
    }
    expect(paths(compile(sampleSop()))[0].startAt).toBe(START)
  })

  it('reaches an SLA escalation by its timer at the due time, from the system', () => {
    const found = paths(compile(slaDoc()))
    expect(found.map((p) => p.steps)).toEqual([
      ['work', 'done'],
      ['work', 'boss', 'late'],
    ])
    const late = byEnd(found, 'late')[0]
    expect(late.outcome).toBe('escalated')
    expect(late.inputs[0]).toEqual({
      input: { kind: 'timer', timerId: 'sla:work:0' },
      actor: { id: 'system', role: 'system' },
      at: plus(START, HOUR),
    })
    expect(late.inputs[1].at).toBe(plus(START, HOUR + MINUTE))
  })

  it('reaches a delay by its timer when it is due', () => {
    const found = paths(compile(sampleSop()))
    const silent = byEnd(found, 'silent')
    expect(silent.length).toBeGreaterThan(0)
    for (const p of silent) {
      const last = p.inputs[p.inputs.length - 1]
      const before = p.inputs[p.inputs.length - 2]
      expect(last.input).toMatchObject({ kind: 'timer' })
      expect(last.input.kind === 'timer' && last.input.timerId.startsWith('delay:t_timeout:')).toBe(true)
      expect(last.actor).toEqual({ id: 'system', role: 'system' })
      expect(last.at).toBe(plus(before.at, 2 * DAY))
    }
  })

  it('ticks the required checklist of the step it acts on', () => {
    const found = paths(compile(sampleSop()))
    const first = found[0].inputs[0]
    expect(first.input).toMatchObject({ kind: 'action', ticks: { intake: ['greet'] } })
    const later = found.flatMap((p) => p.inputs.slice(1)).filter((i) => i.input.kind === 'action')
    expect(later.some((i) => i.input.kind === 'action' && i.input.ticks === undefined)).toBe(true)
  })
})

describe('paths: order and bounds', () => {
  it('gives the shortest path to each end first, nearest end first', () => {
    const found = paths(compile(sampleSop()))
    const ends = [...new Set(found.map((p) => p.endStepId))]
    const firsts = found.slice(0, ends.length)
    expect(new Set(firsts.map((p) => p.endStepId)).size).toBe(ends.length)
    const lengths = firsts.map((p) => p.inputs.length)
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b))
    for (const p of firsts) {
      const shortest = Math.min(...byEnd(found, p.endStepId).map((q) => q.inputs.length))
      expect(p.inputs.length).toBe(shortest)
    }
    expect(found.length).toBeGreaterThan(ends.length)
  })

  it('stops at the limit, keeping the first paths', () => {
    const sop = compile(sampleSop())
    const all = paths(sop)
    expect(all.length).toBeGreaterThan(3)
    expect(paths(sop, { limit: 3 })).toEqual(all.slice(0, 3))
    expect(paths(sop, { limit: 1 })).toEqual(all.slice(0, 1))
  })

  it('stops when the budget of decisions runs out', () => {
    const sop = compile(sampleSop())
    const all = paths(sop)
    expect(paths(sop, { budget: 0 })).toEqual([])
    const some = paths(sop, { budget: 20 })
    expect(some.length).toBeGreaterThan(0)
    expect(some.length).toBeLessThan(all.length)
    expect(all.slice(0, some.length)).toEqual(some)
  })
})

describe('paths: guards ahead', () => {
  const found = paths(compile(aheadDoc()))
  const routes = found.map((p) => p.steps.join('>'))

  it('tries both values of a boolean read by the decision a group starts with', () => {
    expect(routes).toContain('ask>gd>g_yes>g_end>normal')
    expect(routes).toContain('ask>gd>g_no>g_end>normal')
    const viaYes = found.find((p) => p.steps.includes('g_yes'))!
    expect(viaYes.inputs[0].input).toEqual({ kind: 'action', action: 'group', fields: { yes: true } })
  })

  it('tries the values around each number, in order, read after parallel regions end', () => {
    const afterBoth = found.filter((p) => p.steps.includes('a1'))
    const ends = afterBoth.map((p) => [
      p.endStepId,
      Object.assign({}, ...p.inputs.map((i) => (i.input.kind === 'action' ? i.input.fields : {}))),
    ])
    // Each end is first reached with the lowest value that leads there (numbers sorted: 9, 10, 11,
    // 99.25, 100.25, 101.25; a boolean true before false).
    const firstTo = (end: string) => ends.find(([e]) => e === end)?.[1]
    expect(firstTo('small')).toEqual({ amount: 9, urgent: true })
    expect(firstTo('hurry')).toEqual({ amount: 10, urgent: true })
    expect(firstTo('normal')).toEqual({ amount: 10, urgent: false })
    expect(firstTo('big')).toEqual({ amount: 100.25, urgent: true })
  })
})
