import {
  type CompiledSop,
  calendarsNamed,
  compile,
  SopError,
  uncoveredBusinessTime,
} from '../../engine/index.ts'
import { sha256 } from '../services/crypto.ts'
import type { CalendarStore } from '../storage/sqliteCalendars.ts'
import type { SopVersion, Storage } from '../storage/types.ts'

/** The calendar store on the same database as `storage`. */
export function calendarsOf(storage: Storage): CalendarStore {
  return storage.calendars
}

/**
 * Compiles a draft against the latest version of every calendar and the teams' calendars as they
 * are now (what publishing would pin).
 */
export async function compileWithLatest(storage: Storage, document: unknown): Promise<CompiledSop> {
  const store = calendarsOf(storage)
  const latest = await Promise.all((await store.list()).map((meta) => store.get(meta.id, meta.version)))
  const calendars = Object.fromEntries(latest.flatMap((v) => (v ? [[v.id, v.calendar]] : [])))
  const teamCalendars = Object.fromEntries(
    (await storage.teams.listTeams()).flatMap((t) => (t.calendarId ? [[t.id, t.calendarId]] : [])),
  )
  return compile(document, { sha256, calendars, teamCalendars })
}

/**
 * Compiles a draft for publishing: as `compileWithLatest`, refusing (`invalid_document`, one
 * `business_time_without_calendar` diagnostic per duration) when a business-time duration counts
 * in no calendar — neither its own, its team's nor the SOP's.
 */
export async function compileForPublish(storage: Storage, document: unknown): Promise<CompiledSop> {
  const compiled = await compileWithLatest(storage, document)
  const uncovered = uncoveredBusinessTime(compiled)
  if (uncovered.length)
    throw new SopError(
      'invalid_document',
      `The SOP document cannot be published: ${uncovered.map((d) => d.message).join('; ')}`,
      { id: compiled.document.id, diagnostics: uncovered },
    )
  return compiled
}

/** Publishes a compiled SOP as its next version, pinning the calendar versions it was compiled with, atomically. */
export function publishPinned(
  storage: Storage,
  compiled: CompiledSop,
  v: Omit<SopVersion, 'version' | 'hash' | 'document'>,
): Promise<SopVersion> {
  return storage.publishVersion(
    { ...v, hash: compiled.hash, document: compiled.document },
    calendarsNamed(compiled.document),
  )
}

/** Compiles a published SOP version with the calendar versions it pins, its teams' among them. */
export async function compilePinned(storage: Storage, v: SopVersion): Promise<CompiledSop> {
  const store = calendarsOf(storage)
  return compile(v.document, {
    sha256,
    calendars: await store.pinned(v.sopId, v.version),
    teamCalendars: await store.teamPins(v.sopId, v.version),
  })
}

/** An SOP whose latest published version runs on a calendar. */
export interface CalendarUser {
  sopId: string
  title: string
  sopVersion: number
}

/** For each calendar id, the SOPs (not archived) whose latest published version pins it. */
export async function calendarUsers(storage: Storage): Promise<Map<string, CalendarUser[]>> {
  const out = new Map<string, CalendarUser[]>()
  for (const sop of await storage.listSops(false)) {
    if (sop.latestVersion === null) continue
    for (const id of Object.keys(await calendarsOf(storage).pinned(sop.id, sop.latestVersion))) {
      const users = out.get(id) ?? []
      users.push({ sopId: sop.id, title: sop.title, sopVersion: sop.latestVersion })
      out.set(id, users)
    }
  }
  return out
}
