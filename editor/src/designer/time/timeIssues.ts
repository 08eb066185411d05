import type { TFunction } from 'i18next'
import type { Diagnostic } from '../../../../engine/index.ts'
import { diagnosticText } from '../diagnosticText.ts'
import type { Doc } from '../useDesigner.ts'
import type { PolicyTarget } from './policy.ts'

/** The problem of a step's SLA calendar, in the reader's language (null when there is none). */
export function slaCalendarIssue(t: TFunction, problems: Diagnostic[], doc: Doc, stepId: string) {
  const p = problems.find((x) => x.stepId === stepId && x.property === 'sla.calendar')
  return p ? diagnosticText(t, p, doc) : null
}

/** The problem of a delay's calendar (null when there is none). */
export function delayCalendarIssue(t: TFunction, problems: Diagnostic[], doc: Doc, transitionId: string) {
  const p = problems.find((x) => x.transitionId === transitionId && x.property === 'calendar')
  return p ? diagnosticText(t, p, doc) : null
}

/** The field of a policy target a problem is about. */
export type TargetField = 'calendar' | 'escalateTo' | 'channels' | 'due' | 'warnAt' | 'other'

/**
 * The problems of one policy target, by the field they are shown at. The engine names a target's
 * metric (and what it escalates to); a value of the wrong shape names its place in the list.
 */
export function targetIssues(
  t: TFunction,
  problems: Diagnostic[],
  doc: Doc,
  target: PolicyTarget,
  index: number,
): Partial<Record<TargetField, string>> {
  const out: Partial<Record<TargetField, string>> = {}
  const sopCalendar = typeof doc.calendar === 'string' ? doc.calendar : undefined
  const metric = t(`time.metrics.${target.metric}`)
  for (const p of problems) {
    if (!p.property?.startsWith('policy')) continue
    const shape = /^policy\.targets\.(\d+)\.?([A-Za-z]*)/.exec(p.property)
    if (shape) {
      if (Number(shape[1]) !== index) continue
      const field = (['calendar', 'escalateTo', 'channels', 'due', 'warnAt'] as const).find(
        (f) => f === shape[2],
      )
      out[field ?? 'other'] = t('time.issues.invalid', { metric, value: p.params?.value ?? '' })
      continue
    }
    if (p.params?.step !== target.metric) continue
    if (
      p.code === 'business_time_without_calendar' &&
      target.time === 'business' &&
      !target.calendar &&
      !sopCalendar
    )
      out.calendar = t('time.issues.noCalendar', { metric })
    else if (p.code === 'unknown_target' && target.escalateTo && p.params?.target === target.escalateTo)
      out.escalateTo = t('time.issues.unknownStep', { metric, target: target.escalateTo })
    else if (p.code === 'policy_channel_without_field' && target.channels)
      out.channels = t('time.issues.noChannelField', { metric })
  }
  return out
}
