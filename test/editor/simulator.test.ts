import { describe, expect, it } from 'vitest'
import { createActor } from 'xstate'
import { logText } from '../../editor/src/designer/simulatorLog.ts'
import { simulatorMachine } from '../../editor/src/designer/simulatorMachine.ts'
import i18n from '../../editor/src/i18n.ts'
import { sampleSop } from '../engine/fixtures.ts'

describe('the designer simulator', () => {
  it('breaches an SLA with the engine: the ticket escalates, and the log says so by title', () => {
    const sim = createActor(simulatorMachine).start()
    sim.send({ type: 'START', document: sampleSop() })
    const timers = Object.values(sim.getSnapshot().context.timers)
    expect(timers.map((x) => [x.kind, x.stepId])).toEqual([['sla', 'intake']])
    sim.send({ type: 'TIMER', timerId: timers[0].id })
    const { ticket, log, sop, now } = sim.getSnapshot().context
    expect(Object.keys(ticket!.active)).toContain('manager')
    expect(new Date(now).toISOString()).toBe('2026-01-05T09:00:00.000Z')
    const t = i18n.getFixedT('en', 'designer')
    expect(log.map((l) => logText(t, l, sop!.document, 'en'))).toEqual([
      'Started at Take the complaint',
      '⏱ SLA of "Take the complaint" breached after 1 hour: escalated → Manager review',
    ])
  })

  it('advances time to a delay and words it "after 2 days" with labels and titles', () => {
    const doc = sampleSop()
    doc.steps[0].sla = undefined
    doc.initial = 'explain'
    doc.transitions.push({ id: 't_reopen', from: 'reply', to: 'intake', action: 'reopen', label: 'Reopen' })
    const sim = createActor(simulatorMachine).start()
    sim.send({ type: 'START', document: doc })
    sim.send({ type: 'ACT', action: 'explained', fields: {}, ticks: {}, role: 'agent' })
    sim.send({ type: 'ADVANCE' })
    const { log, sop, ticket } = sim.getSnapshot().context
    expect(ticket!.status).toBe('closed')
    const vi = i18n.getFixedT('vi', 'designer')
    expect(log.map((l) => logText(vi, l, sop!.document, 'vi')).slice(1)).toEqual([
      'Explained → Wait for the customer',
      '⏱ sau 2 ngày: No reply in 2 days → No response',
    ])
  })
})
