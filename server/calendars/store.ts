import { type Calendar, type CompiledSop, calendarsNamed, compile } from '../../engine/index.ts'
import { sha256 } from '../services/crypto.ts'
import type { CalendarStore } from '../storage/calendarTypes.ts'
import { SqliteStorage } from '../storage/sqlite.ts'
import { SqliteCalendars } from '../storage/sqliteCalendars.ts'
import type { SopVersion, Storage } from '../storage/types.ts'

const stores = new WeakMap<Storage, CalendarStore>()

/**
 * The calendar store of a storage: its own `calendars` when it has them (any backend), else, for
 * the embedded SQLite storage, one on the same database.
 */
export function calendarsOf(storage: Storage): CalendarStore {
  if (storage.calendars) return storage.calendars
  let store = stores.get(storage)
  if (!store) {
    if (!(storage instanceof SqliteStorage))
      throw new Error('This storage keeps no calendars: give it a `calendars` store')
    store = new SqliteCalendars(storage.db)
    stores.set(storage, store)
  }
  return store
}

/** The latest version of every calendar, as data for `compile`. */
export async function latestCalendars(storage: Storage): Promise<Record<string, Calendar>> {
  const store = calendarsOf(storage)
  const out: Record<string, Calendar> = {}
  for (const meta of await store.list()) {
    const v = await store.get(meta.id, meta.version)
    if (v) out[meta.id] = v.calendar
  }
  return out
}

/** Compiles a draft against the latest version of every calendar (what publishing would pin). */
export async function compileWithLatest(storage: Storage, document: unknown): Promise<CompiledSop> {
  return compile(document, { sha256, calendars: await latestCalendars(storage) })
}

/** Publishes a compiled SOP as its next version, pinning the calendar versions it was compiled with, atomically. */
export function publishPinned(
  storage: Storage,
  compiled: CompiledSop,
  v: Omit<SopVersion, 'version' | 'hash' | 'document'>,
): Promise<SopVersion> {
  const store = calendarsOf(storage)
  const names = calendarsNamed(compiled.document)
  return storage.publishVersion({ ...v, hash: compiled.hash, document: compiled.document }, (version) =>
    store.pinLatest(v.sopId, version, names),
  )
}

/** Compiles a published SOP version with the calendar versions it pins. */
export async function compilePinned(storage: Storage, v: SopVersion): Promise<CompiledSop> {
  return compile(v.document, { sha256, calendars: await calendarsOf(storage).pinned(v.sopId, v.version) })
}

/** For an evidence bundle: the calendars an SOP version pins, when it pins any. */
export async function bundledCalendars(
  storage: Storage,
  v: SopVersion,
): Promise<{ calendars?: Record<string, Calendar> }> {
  const calendars = await calendarsOf(storage).pinned(v.sopId, v.version)
  return Object.keys(calendars).length ? { calendars } : {}
}
