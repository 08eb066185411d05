import type { TFunction } from 'i18next'
import type { Diagnostic } from '../../../../engine/index.ts'
import { diagnosticText } from '../diagnosticText.ts'
import type { Doc } from '../useDesigner.ts'
import type { PolicyTarget } from './policy.ts'
import { policyText, targetPlace } from './policyDiagnostic.ts'

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
const SHAPED: TargetField[] = ['calendar', 'escalateTo', 'channels', 'due', 'warnAt']

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
  for (const p of problems) {
    const text = policyText(t, p, doc)
    if (!text) continue
    const place = targetPlace(p)
    if (place) {
      if (place.index === index) out[SHAPED.find((f) => f === place.field) ?? 'other'] = text
      continue
    }
    if (p.params?.step !== target.metric) continue
    if (p.code === 'business_time_without_calendar') {
      if (target.time === 'business' && !target.calendar && !sopCalendar) out.calendar = text
    } else if (p.code === 'unknown_target') {
      if (target.escalateTo && p.params?.target === target.escalateTo) out.escalateTo = text
    } else if (p.code === 'policy_channel_without_field') {
      if (target.channels) out.channels = text
    }
  }
  return out
}
