import { describe, expect, it } from 'vitest'
import { compile } from '../../engine/index.ts'
import { policyTally } from '../../server/services/metricsPolicy.ts'
import { log, type RowOf, row } from './auditRows.ts'

/** Which policy targets apply to a ticket and whether it breached them, on hand-written logs. */
const document = {
  schema: 'sopflow/v1',
  id: 'tally',
  title: 'Tally',
  department: 'Care',
  purpose: 'Rules of the policy figures.',
  policy: {
    targets: [
      { metric: 'next_reply', due: 'PT2H' },
      { metric: 'first_reply', due: 'PT4H', priorities: ['high', 'urgent'] },
      { metric: 'resolution', due: 'P1D', priorities: ['normal', 'high'] },
    ],
  },
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work', roles: ['agent'] },
    { id: 'wait', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer' },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'No answer', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'answer', from: 'work', to: 'wait', action: 'answer', reply: true },
    { id: 'back', from: 'wait', to: 'work', action: 'customer_wrote', customerMessage: true },
    { id: 'note', from: 'work', to: 'work', action: 'customer_note', customerMessage: true },
    { id: 'resolve', from: 'work', to: 'done', action: 'resolve' },
    { id: 'silent', from: 'wait', to: 'gone', after: 'P7D' },
  ],
}
const sop = compile(document)
const plain = compile({ ...document, id: 'plain', policy: undefined })
const noNext = compile({
  ...document,
  id: 'no_next',
  policy: { targets: document.policy.targets.filter((t) => t.metric !== 'next_reply') },
})

const start = (priority?: 'high') =>
  row('created', 0, 'u1', { kind: 'start', entered: ['work'], ...(priority ? { priority } : {}) })
const take = (min: number, transition: string) => row('transition', min, 'u1', { transitions: [transition] })
const breach = (min: number, policy: string) =>
  row('timer', min, 'system', {
    kind: 'timer',
    breach: { stepId: 'work', notify: null, escalateTo: null, policy },
  })

const tally = (...tickets: RowOf[][]) => {
  const t = policyTally()
  for (const rows of tickets) t.add(sop, log(...rows))
  return t.figures()
}

describe('the policy figures of a set of tickets', () => {
  it('has none when no SOP of the tickets states policy targets', () => {
    const t = policyTally()
    t.add(plain, log(start('high'), take(5, 'answer')))
    expect(t.figures()).toBeUndefined()
  })

  it('applies first reply by the priority the ticket started at, and resolution to every ticket', () => {
    expect(tally([start('high')], [start()], [start()])).toEqual({
      first_reply: { tickets: 1, breached: 0, rate: 0 },
      next_reply: { tickets: 0, breached: 0, rate: null },
      resolution: { tickets: 3, breached: 0, rate: 0 },
    })
  })

  it('applies next reply once the customer wrote after first reply stopped by a reply or a breach', () => {
    // Wrote while first reply still ran: no next reply. A reply, then a message: next reply.
    const early = [start('high'), take(5, 'note'), take(10, 'answer')]
    // Rows without an engine record (a note, an empty payload) and a transition the SOP lacks are skipped.
    const after = [
      start('high'),
      row('note', 5, 'u1', undefined),
      (seq: number) => ({ ...row('note', 6, 'u1')(seq), payload: null }),
      take(10, 'answer'),
      take(15, 'retired'),
      take(20, 'back'),
    ]
    // First reply breached (stops it), then the customer wrote: next reply, breached too.
    const breached = [start('high'), breach(240, 'first_reply'), take(250, 'note'), breach(370, 'next_reply')]
    // No first-reply target at this priority: any message by the customer starts next reply.
    const normal = [start(), take(5, 'note')]
    expect(tally(early, after, breached, normal)).toEqual({
      first_reply: { tickets: 3, breached: 1, rate: 1 / 3 },
      next_reply: { tickets: 3, breached: 1, rate: 1 / 3 },
      resolution: { tickets: 4, breached: 0, rate: 0 },
    })
  })

  it('applies next reply only where the SOP has a next-reply target', () => {
    const t = policyTally()
    t.add(noNext, log(start(), take(5, 'note')))
    expect(t.figures()?.next_reply).toEqual({ tickets: 0, breached: 0, rate: null })
  })

  it('counts a ticket that breached a target twice once, and leaves out a log that does not start the ticket or is empty', () => {
    const twice = [start(), breach(1440, 'resolution'), breach(2880, 'resolution')]
    const headless = [take(5, 'answer'), breach(1440, 'resolution')]
    expect(tally(twice, headless, [], [start()])?.resolution).toEqual({
      tickets: 2,
      breached: 1,
      rate: 1 / 2,
    })
  })
})
