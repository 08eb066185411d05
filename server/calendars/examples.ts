import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { type Calendar, calendarSchema } from '../../engine/index.ts'
import type { Storage } from '../storage/types.ts'
import { withRegionHolidays } from './holidays.ts'

/** Where the calendars the shipped examples name (their contact windows) are kept. */
export const EXAMPLE_CALENDARS = join(import.meta.dirname, '..', '..', 'examples', 'calendars')

/**
 * The calendars in `dir`, one `<id>.json` each (the body of `PUT /api/calendars/:id`), as they are
 * saved at `now` (with their regions' holidays resolved), by id.
 */
export function calendarFiles(dir: string, now: Date): Record<string, Calendar> {
  if (!existsSync(dir)) return {}
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
  return Object.fromEntries(
    files.map((file) => {
      const id = basename(file, '.json')
      const given = calendarSchema.parse({ ...JSON.parse(readFileSync(join(dir, file), 'utf8')), id })
      return [id, withRegionHolidays(given, now)]
    }),
  )
}

/**
 * Saves the calendars in `dir` that do not exist yet, so that SOPs naming them (the shipped
 * examples) publish on a fresh database. Calendars that exist are left as they are. Returns the
 * ids saved.
 */
export async function seedCalendars(storage: Storage, dir: string, by: string, now: Date): Promise<string[]> {
  const saved: string[] = []
  for (const [id, calendar] of Object.entries(calendarFiles(dir, now))) {
    if (await storage.calendars.get(id)) continue
    await storage.calendars.add(calendar, now.toISOString(), by)
    saved.push(id)
  }
  return saved
}
