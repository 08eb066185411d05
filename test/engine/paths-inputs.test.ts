import { describe, expect, it } from 'vitest'
import {
  type Calendar,
  calendarSchema,
  compile,
  decide,
  paths,
  type SopDocumentInput,
  type SopPath,
  start,
} from '../../engine/index.ts'
import { pragueDeskCalendar, repairSop } from '../fixtures/businessTimeSops.ts'
import { sampleSop } from './fixtures.ts'

/** Weekdays 09:00 to 17:00 UTC. */
const office: Calendar = calendarSchema.parse({
  id: 'office',
  title: 'Office',
  timeZone: 'UTC',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '17:00' }]]),
  ),
})

/** A call that waits for the customer's contact window, a note that does not; a checklist with an optional item. */
const windowDoc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'callback',
  title: 'Call back',
  department: 'Care',
  purpose: 'Call within the contact window.',
  initial: 'work',
  steps: [
    {
      id: 'work',
      kind: 'task',
      title: 'Work',
      checklist: [
        { id: 'read', text: 'Read the ticket' },
        { id: 'smile', text: 'Smile', required: false },
        { id: 'log', text: 'Log the call' },
      ],
    },
    { id: 'called', kind: 'end', title: 'Called', outcome: 'resolved' },
    { id: 'noted', kind: 'end', title: 'Noted', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'note', from: 'work', to: 'noted', action: 'note' },
    { id: 'call', from: 'work', to: 'called', action: 'call', window: 'office' },
  ],
})

/** Two regions: one waits a minute then ends, the other takes two actions before it ends. */
const raceDoc = (): SopDocumentInput => ({
  schema: 'sopflow/v1',
  id: 'race',
  title: 'Race',
  department: 'Care',
  purpose: 'A delay due while the other region works.',
  initial: 'both',
  steps: [
    { id: 'both', kind: 'parallel', title: 'Both' },
    { id: 'ra', kind: 'group', title: 'A', parent: 'both', initial: 'hold' },
    { id: 'hold', kind: 'wait', title: 'Hold', parent: 'ra' },
    { id: 'a_end', kind: 'end', title: 'A end', parent: 'ra' },
    { id: 'rb', kind: 'group', title: 'B', parent: 'both', initial: 'b1' },
    { id: 'b1', kind: 'task', title: 'B1', parent: 'rb' },
    { id: 'b2', kind: 'task', title: 'B2', parent: 'rb' },
    { id: 'b3', kind: 'task', title: 'B3', parent: 'rb' },
    { id: 'b_end', kind: 'end', title: 'B end', parent: 'rb' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'held', from: 'hold', to: 'a_end', after: 'PT1M' },
    { id: 'b12', from: 'b1', to: 'b2', action: 'next' },
    { id: 'b23', from: 'b2', to: 'b3', action: 'next' },
    { id: 'b3e', from: 'b3', to: 'b_end', action: 'next' },
    { id: 'both_done', from: 'both', to: 'done' },
  ],
})

const times = (p: SopPath) => p.inputs.map((i) => Date.parse(i.at))

describe('paths: contact windows and checklists', () => {
  const sop = compile(windowDoc(), { calendars: { office } })
  // Saturday 3 January 2026, 08:00 UTC: the office opens on Monday at 09:00.
  const found = () => paths(sop, { startAt: '2026-01-03T08:00:00.000Z' })
  const to = (end: string) => found().find((p) => p.endStepId === end)!

  it('waits for the contact window of an action that contacts the customer', () => {
    expect(to('called').inputs.map((i) => i.at)).toEqual(['2026-01-05T09:00:00.000Z'])
  })

  it('takes an action outside any window a minute after the last input', () => {
    expect(to('noted').inputs.map((i) => i.at)).toEqual(['2026-01-03T08:01:00.000Z'])
  })

  it('ticks only the required checklist items', () => {
    for (const end of ['called', 'noted'])
      expect(to(end).inputs[0].input).toMatchObject({ ticks: { work: ['read', 'log'] } })
  })

  it('gives paths that play to their end', () => {
    for (const p of found()) {
      const s = start(sop, { actor: { id: 'path', role: 'agent' }, now: p.startAt })
      if (!s.ok) throw new Error('start')
      let state = s.state
      for (const i of p.inputs) {
        const d = decide(sop, state, i.input, i.actor, i.at)
        expect(d.ok).toBe(true)
        if (d.ok) state = d.state
      }
      expect(state.status).toBe('closed')
    }
  })
})

describe('paths: times', () => {
  it('never takes an input before the one it follows, though a delay fell due earlier', () => {
    const found = paths(compile(raceDoc()))
    expect(found.length).toBeGreaterThan(1)
    for (const p of found) {
      const at = times(p)
      expect(at).toEqual([...at].sort((a, b) => a - b))
    }
    // The path that takes every action of region B first fires the delay last, at the same time.
    const late = found.find((p) => p.inputs.at(-1)?.input.kind === 'timer')!
    expect(late.inputs.map((i) => i.at)).toEqual([
      '2026-01-01T08:01:00.000Z',
      '2026-01-01T08:02:00.000Z',
      '2026-01-01T08:03:00.000Z',
      '2026-01-01T08:03:00.000Z',
    ])
  })

  it('keeps input times in order on the sample and the repair SOPs', () => {
    for (const p of [
      ...paths(compile(sampleSop())),
      ...paths(
        compile(repairSop(), {
          calendars: { prague_desk: calendarSchema.parse({ id: 'prague_desk', ...pragueDeskCalendar() }) },
        }),
      ),
    ]) {
      const at = times(p)
      expect(at).toEqual([...at].sort((a, b) => a - b))
    }
  })
})

describe('paths: the customer’s time zone', () => {
  it('waits for the contact window in the time zone the path gives the customer', () => {
    const doc = windowDoc()
    doc.customerTimeZoneField = 'tz'
    doc.fields = [
      { name: 'tz', label: 'Time zone', type: 'choice', options: [{ value: 'Asia/Tokyo', label: 'Tokyo' }] },
    ]
    doc.steps![0] = { ...doc.steps![0], requiredFields: ['tz'] }
    const found = paths(compile(doc, { calendars: { office } }), { startAt: '2026-01-03T08:00:00.000Z' })
    const call = found.find((p) => p.endStepId === 'called')!
    // Monday 09:00 in Tokyo is 00:00 UTC.
    expect(call.inputs.map((i) => [i.at, i.input.kind === 'action' && i.input.fields])).toEqual([
      ['2026-01-05T00:00:00.000Z', { tz: 'Asia/Tokyo' }],
    ])
  })
})

describe('paths: numbers compared with each other', () => {
  it('gives a number field read by a guard without figures the value 1', () => {
    const doc: SopDocumentInput = {
      schema: 'sopflow/v1',
      id: 'compare',
      title: 'Compare',
      department: 'Care',
      purpose: 'Compare two amounts.',
      fields: [
        { name: 'paid', label: 'Paid', type: 'number' },
        { name: 'owed', label: 'Owed', type: 'number' },
      ],
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work' },
        { id: 'route', kind: 'decision', title: 'Route' },
        { id: 'over', kind: 'end', title: 'Over', outcome: 'resolved' },
        { id: 'even', kind: 'end', title: 'Even', outcome: 'resolved' },
      ],
      transitions: [
        { id: 'check', from: 'work', to: 'route', action: 'check' },
        { id: 'to_over', from: 'route', to: 'over', guard: 'ticket.paid > ticket.owed' },
        { id: 'to_even', from: 'route', to: 'even' },
      ],
    }
    const found = paths(compile(doc))
    expect(
      found.map((p) => [p.endStepId, p.inputs.map((i) => i.input.kind === 'action' && i.input.fields)]),
    ).toEqual([['even', [{ paid: 1, owed: 1 }]]])
  })
})

describe('paths: an action with several transitions', () => {
  it('waits for the window of any of them, wherever it is listed', () => {
    const doc = windowDoc()
    doc.fields = [{ name: 'vip', label: 'VIP', type: 'boolean' }]
    doc.steps!.push({ id: 'vip_called', kind: 'end', title: 'VIP called', outcome: 'resolved' })
    doc.transitions = [
      { id: 'note', from: 'work', to: 'noted', action: 'note' },
      { id: 'call_vip', from: 'work', to: 'vip_called', action: 'call', guard: 'ticket.vip' },
      { id: 'call', from: 'work', to: 'called', action: 'call', window: 'office' },
    ]
    const found = paths(compile(doc, { calendars: { office } }), { startAt: '2026-01-03T08:00:00.000Z' })
    expect(found.map((p) => [p.endStepId, p.inputs.map((i) => i.at)]).sort()).toEqual([
      ['called', ['2026-01-05T09:00:00.000Z']],
      ['noted', ['2026-01-03T08:01:00.000Z']],
      ['vip_called', ['2026-01-05T09:00:00.000Z']],
    ])
  })
})
