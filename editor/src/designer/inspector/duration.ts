import { isDuration, parseDuration } from '../../../../engine/duration.ts'

export const UNITS = ['minutes', 'hours', 'days'] as const
export type Unit = (typeof UNITS)[number]

const MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 24 * 60 }

/**
 * An ISO-8601 duration as a number and the largest unit that holds it whole: PT30M is 30
 * minutes, PT4H 4 hours, P2D 2 days, PT1H30M 90 minutes, P1W 7 days. Null when `iso` is not a
 * duration at all.
 */
export function fromIso(iso: string | undefined): { amount: number; unit: Unit } | null {
  if (!iso || !isDuration(iso)) return null
  const minutes = parseDuration(iso) / 60_000
  for (const unit of ['days', 'hours'] as const)
    if (minutes > 0 && minutes % MINUTES[unit] === 0) return { amount: minutes / MINUTES[unit], unit }
  return { amount: minutes, unit: 'minutes' }
}

/** A number of minutes, hours or days as ISO-8601: PT30M, PT4H, P2D. */
export function toIso(amount: number, unit: Unit): string {
  if (!Number.isFinite(amount) || amount <= 0) throw new RangeError(`${amount} is not a positive duration`)
  if (unit === 'days') return `P${amount}D`
  return `PT${amount}${unit === 'hours' ? 'H' : 'M'}`
}

/** The ISO duration of what a person typed, or why it is not one. */
export function readDuration(
  text: string,
  unit: Unit,
): { ok: true; iso: string } | { ok: false; reason: 'empty' | 'notPositive' } {
  const trimmed = text.trim().replace(',', '.')
  if (!trimmed) return { ok: false, reason: 'empty' }
  const n = Number(trimmed)
  if (!Number.isFinite(n) || n <= 0) return { ok: false, reason: 'notPositive' }
  return { ok: true, iso: toIso(n, unit) }
}
