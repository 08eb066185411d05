import type { TFunction } from 'i18next'
import type { SopDocument } from '../../../engine/index.ts'
import { durationText } from './durationText.ts'
import type { LogEntry } from './simulatorMachine.ts'

/** A line of the simulation's log in the reader's language, naming steps and transitions by title and label. */
export function logText(t: TFunction, e: LogEntry, doc: SopDocument, language: string): string {
  const title = (id: string | null | undefined) =>
    id ? (doc.steps.find((s) => s.id === id)?.title ?? id) : ''
  const to = e.to.map(title).join(', ')
  const first = doc.transitions.find((x) => x.id === e.transitions[0])
  const label = first?.label || (first ? `${title(first.from)} → ${title(first.to)}` : '')
  switch (e.kind) {
    case 'start':
      return t('sim.log.start', { to })
    case 'action':
      return t('sim.log.action', { action: label || e.action, to })
    case 'delay':
      return t('sim.log.delay', { after: first?.after ? durationText(first.after, language) : '', label, to })
    case 'sla': {
      const step = doc.steps.find((s) => s.id === e.stepId)
      const params = { step: title(e.stepId), due: step?.sla ? durationText(step.sla.due, language) : '', to }
      if (e.escalateTo) return t('sim.log.slaEscalated', params)
      return t('sim.log.slaNotified', { ...params, role: e.notify ?? '—' })
    }
    case 'policy': {
      const params = {
        metric: t(`time.metrics.${e.metric}`, { defaultValue: e.metric ?? '' }),
        due: e.due ? durationText(e.due, language) : '',
        to,
      }
      if (e.escalateTo) return t('sim.log.policyEscalated', params)
      return t('sim.log.policyNotified', { ...params, role: e.notify ?? '—' })
    }
    case 'warning':
      return t('sim.log.policyWarned', {
        metric: t(`time.metrics.${e.metric}`, { defaultValue: e.metric ?? '' }),
        share: Math.round((e.share ?? 0) * 100),
        role: e.notify ?? t('time.assignee'),
      })
  }
}
