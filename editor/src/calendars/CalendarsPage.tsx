import type { Route } from '../useRoute.ts'
import './calendars.css'
import { CalendarEditor } from './CalendarEditor.tsx'
import { CalendarList } from './CalendarList.tsx'

/** #/calendars — the list; #/calendars?new — a new calendar; #/calendars/:id — one calendar. */
export function CalendarsPage({ route }: { route: Route }) {
  const id = route.segments[1]
  if (id) return <CalendarEditor key={id} id={id} />
  if (route.query.has('new')) return <CalendarEditor key="new" id={null} />
  return <CalendarList />
}
