import type { TFunction } from 'i18next'
import type { Diagnostic } from '../../../../engine/index.ts'
import { targetsOf } from './policy.ts'

/** The place in the policy's list a value of the wrong shape names (`policy.targets.1.warnAt`). */
export function targetPlace(p: Diagnostic): { index: number; field: string } | null {
  const m = /^policy\.targets\.(\d+)\.?([A-Za-z]*)/.exec(p.property ?? '')
  return m ? { index: Number(m[1]), field: m[2] } : null
}

/**
 * A problem of the SOP's ticket-level policy in the reader's language, naming the target by its
 * metric ("The First reply target …"); null for any other problem.
 */
export function policyText(t: TFunction, p: Diagnostic, doc: object): string | null {
  if (!p.property?.startsWith('policy')) return null
  const place = targetPlace(p)
  const id = place ? targetsOf(doc)[place.index]?.metric : p.params?.step
  const metric = id ? t(`time.metrics.${id}`, { defaultValue: id }) : ''
  if (place) return t('time.issues.invalid', { metric, value: p.params?.value ?? '' })
  if (p.code === 'business_time_without_calendar') return t('time.issues.noCalendar', { metric })
  if (p.code === 'unknown_target')
    return t('time.issues.unknownStep', { metric, target: p.params?.target ?? '' })
  if (p.code === 'policy_channel_without_field') return t('time.issues.noChannelField', { metric })
  return null
}
