import type { Calendar } from '../../../../engine/index.ts'
import { type CalendarChoice, getCalendarData, listCalendarChoices } from '../../api/calendarChoices.ts'
import { useAsync } from '../../ui/useAsync.ts'

let listed: Promise<CalendarChoice[]> | null = null
/** The server's calendars, asked once per page load (again after a failure). */
function serverCalendars(): Promise<CalendarChoice[]> {
  listed ??= listCalendarChoices().catch((err) => {
    listed = null
    throw err
  })
  return listed
}

const data = new Map<string, Promise<Calendar>>()
/** One calendar's latest version, asked once per page load (again after a failure). */
export function calendarData(id: string): Promise<Calendar> {
  let found = data.get(id)
  if (!found) {
    found = getCalendarData(id).catch((err) => {
      data.delete(id)
      throw err
    })
    data.set(id, found)
  }
  return found
}

/** The calendars to choose from, and whether they could not be loaded. */
export function useCalendarChoices(): { choices: CalendarChoice[]; failed: boolean } {
  const list = useAsync(serverCalendars, [])
  return { choices: list.data ?? [], failed: Boolean(list.error) }
}

/** One calendar's data (null while loading, when unknown or when `id` is absent). */
export function useCalendar(id: string | undefined): Calendar | null {
  const one = useAsync(() => (id ? calendarData(id) : Promise.resolve(null)), [id])
  return one.data
}
