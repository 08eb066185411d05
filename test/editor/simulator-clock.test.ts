import { describe, expect, it } from 'vitest'
import { createActor } from 'xstate'
import { countdowns, hoursMinutes } from '../../editor/src/designer/simulatorCountdowns.ts'
import { logText } from '../../editor/src/designer/simulatorLog.ts'
import { simulatorMachine, T0 } from '../../editor/src/designer/simulatorMachine.ts'
import i18n from '../../editor/src/i18n.ts'
import { type Calendar, calendarSchema } from '../../engine/index.ts'
import { sampleSop } from '../engine/fixtures.ts'

const H = 3_600_000
const day = [{ from: '08:00', to: '17:00' }]
/** Open Monday to Friday 08:00–17:00 UTC (a test ticket starts on Monday 5 January 2026 at 08:00 UTC). */
const desk: Calendar = calendarSchema.parse({
  id: 'desk',
  title: 'Desk',
  timeZone: 'UTC',
  week: { mon: day, tue: day, wed: day, thu: day, fri: day },
})
const en = i18n.getFixedT('en', 'designer')

function run(doc: unknown) {
  const sim = createActor(simulatorMachine).start()
  sim.send({ type: 'START', document: doc, calendars: { desk } })
  return sim
}
const lines = (sim: ReturnType<typeof run>) => {
  const { log, sop } = sim.getSnapshot().context
  return log.map((l) => logText(en, l, sop!.document, 'en'))
}

describe('the simulator’s virtual clock', () => {
  it('counts a business-time SLA down in open hours, and jumping past closing time fires nothing', () => {
    const doc = sampleSop()
    doc.steps[0].sla = { due: 'PT10H', time: 'business', calendar: 'desk', escalateTo: 'manager' }
    const sim = run(doc)
    const at = () => sim.getSnapshot().context
    const first = countdowns(at().sop!, at().ticket!, at().timers, at().now)
    expect(first).toMatchObject([
      { kind: 'sla', subject: 'intake', business: true, paused: false, leftMs: 10 * H },
    ])
    // Ten open hours from Monday 08:00 end on Tuesday at 09:00.
    expect(new Date(first[0].dueAt).toISOString()).toBe('2026-01-06T09:00:00.000Z')
    sim.send({ type: 'JUMP', to: Date.parse('2026-01-05T20:00:00.000Z') })
    expect(new Date(at().now).toISOString()).toBe('2026-01-05T20:00:00.000Z')
    expect(Object.keys(at().ticket!.active)).toContain('intake')
    // After closing time one open hour is left, though thirteen hours of wall-clock time are.
    const evening = countdowns(at().sop!, at().ticket!, at().timers, at().now)
    expect(evening[0].leftMs).toBe(H)
    expect(hoursMinutes(evening[0].leftMs)).toEqual({ hours: 1, minutes: 0 })
    sim.send({ type: 'ADVANCE' })
    expect(new Date(at().now).toISOString()).toBe('2026-01-06T09:00:00.000Z')
    expect(Object.keys(at().ticket!.active)).toContain('manager')
    expect(lines(sim)).toEqual([
      'Started at Take the complaint',
      '⏱ SLA of "Take the complaint" breached after 10 hours: escalated → Manager review',
    ])
  })

  it('a jump fires every timer due on the way, in order: a policy warning, then its breach', () => {
    const doc = sampleSop()
    doc.steps[0].sla = undefined
    doc.calendar = 'desk'
    doc.policy = {
      targets: [
        {
          metric: 'first_reply',
          due: 'PT2H',
          time: 'business',
          warnAt: 0.5,
          warnNotify: 'supervisor',
          notify: 'lead',
        },
      ],
    }
    const sim = run(doc)
    const at = () => sim.getSnapshot().context
    expect(countdowns(at().sop!, at().ticket!, at().timers, at().now).map((c) => c.kind)).toEqual([
      'warning',
      'policy',
    ])
    sim.send({ type: 'JUMP', to: Date.parse('2026-01-05T12:00:00.000Z') })
    expect(new Date(at().now).toISOString()).toBe('2026-01-05T12:00:00.000Z')
    expect(Object.keys(at().timers)).toEqual([])
    expect(lines(sim)).toEqual([
      'Started at Take the complaint',
      '⏱ First reply: 50 % of the target passed, supervisor warned',
      '⏱ First reply target breached after 2 hours: lead notified, the ticket stays at Take the complaint',
    ])
    expect(at().log.map((l) => new Date(l.at).toISOString().slice(11, 16))).toEqual([
      '08:00',
      '09:00',
      '10:00',
    ])
  })

  it('refuses to move the clock back: a jump to the past changes nothing', () => {
    const sim = run(sampleSop())
    const before = sim.getSnapshot().context
    sim.send({ type: 'JUMP', to: T0 - H })
    const after = sim.getSnapshot().context
    expect(after.now).toBe(T0)
    expect(after.timers).toEqual(before.timers)
    expect(after.log).toEqual(before.log)
  })

  it('shows a clock held by a pausing wait step as paused, with the open time it has left', () => {
    const doc = sampleSop()
    doc.steps[0].sla = undefined
    doc.calendar = 'desk'
    const reply = doc.steps.find((s) => s.id === 'reply')!
    reply.pausesClocks = true
    doc.policy = { targets: [{ metric: 'resolution', due: 'PT8H', time: 'business', notify: 'lead' }] }
    const sim = run(doc)
    const at = () => sim.getSnapshot().context
    const act = (action: string, fields = {}, ticks = {}) =>
      sim.send({ type: 'ACT', action, fields, ticks, role: 'agent' })
    act('start_investigation', { customer_name: 'Lan' }, { intake: ['greet'] })
    act('done', { fault: 'customer' })
    act('explained')
    expect(at().error).toBeNull()
    expect(at().blocked).toBeNull()
    expect(Object.keys(at().ticket!.active)).toContain('reply')
    // Three actions, five minutes apart: 15 minutes of the 8 open hours have passed.
    // The wait's own delay (2 days) runs on; the resolution clock is held, with no timer of its own.
    const held = countdowns(at().sop!, at().ticket!, at().timers, at().now)
    expect(held).toMatchObject([
      { kind: 'policy', subject: 'resolution', paused: true, leftMs: 8 * H - 15 * 60_000 },
      { kind: 'delay', transitionId: 't_timeout', paused: false, business: false },
    ])
    expect(Object.values(at().timers).map((x) => x.kind)).toEqual(['delay'])
    // Waiting a day changes nothing of it.
    sim.send({ type: 'JUMP', to: Date.parse('2026-01-06T08:15:00.000Z') })
    expect(countdowns(at().sop!, at().ticket!, at().timers, at().now)[0]).toMatchObject({
      kind: 'policy',
      paused: true,
      leftMs: 8 * H - 15 * 60_000,
    })
  })
})
