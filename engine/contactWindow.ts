import { isOpenAt, nextOpenMs } from './businessTime.ts'
import { type Calendar, isTimeZone } from './calendar.ts'
import type { CompiledSop } from './compile.ts'
import type { FieldValue } from './types.ts'

/**
 * Contact windows: calendars of the times a customer may be contacted. They count in the customer's
 * time zone when the SOP names a ticket field holding it (and it holds a valid IANA zone), else in
 * the window's own zone.
 */

const zoned = new WeakMap<Calendar, Map<string, Calendar>>()

/** The window calendar for a ticket (the SOP must pin it: compile checks). */
export function windowFor(sop: CompiledSop, windowId: string, fields: Record<string, FieldValue>): Calendar {
  const window = sop.calendars.get(windowId)!
  const field = sop.document.customerTimeZoneField
  const zone = field ? fields[field] : undefined
  if (typeof zone !== 'string' || zone === window.timeZone || !isTimeZone(zone)) return window
  let byZone = zoned.get(window)
  if (!byZone) {
    byZone = new Map()
    zoned.set(window, byZone)
  }
  let found = byZone.get(zone)
  if (!found) {
    found = { ...window, timeZone: zone }
    byZone.set(zone, found)
  }
  return found
}

/** Null when the window is open at `now`, else the next time it opens (ISO). */
export function outsideWindow(
  sop: CompiledSop,
  windowId: string,
  fields: Record<string, FieldValue>,
  now: string,
): string | null {
  const window = windowFor(sop, windowId, fields)
  const ms = Date.parse(now)
  return isOpenAt(window, ms) ? null : new Date(nextOpenMs(window, ms)).toISOString()
}

/** A delay's due time moved to the next time its window opens. */
export function alignToWindow(
  sop: CompiledSop,
  windowId: string | undefined,
  fields: Record<string, FieldValue>,
  dueMs: number,
): number {
  return windowId ? nextOpenMs(windowFor(sop, windowId, fields), dueMs) : dueMs
}
