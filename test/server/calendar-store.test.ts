import { describe, expect, it } from 'vitest'
import { calendarSchema } from '../../engine/index.ts'
import { calendarsOf } from '../../server/calendars/store.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { SqliteCalendars } from '../../server/storage/sqliteCalendars.ts'
import type { Storage } from '../../server/storage/types.ts'

const desk = calendarSchema.parse({
  id: 'desk',
  title: 'Desk',
  timeZone: 'Europe/Prague',
  week: { mon: [{ from: '08:00', to: '17:00' }] },
})

describe('the calendar store behind the Storage interface', () => {
  it('uses the storage’s own calendars when it has them, with every read asynchronous', async () => {
    const main = new SqliteStorage(':memory:')
    // A separate database standing in for another backend's calendar store.
    const other = new SqliteStorage(':memory:')
    const own = new SqliteCalendars(other.db)
    const storage = Object.assign(Object.create(main), { calendars: own }) as Storage
    expect(calendarsOf(storage)).toBe(own)
    const saved = calendarsOf(storage).add(desk, '2026-03-01T00:00:00.000Z', 'u1')
    expect(saved).toBeInstanceOf(Promise)
    expect((await saved).version).toBe(1)
    expect(await calendarsOf(storage).list()).toEqual([expect.objectContaining({ id: 'desk', version: 1 })])
    // The embedded storage's own store is on its database: not the other one.
    expect(await calendarsOf(main).list()).toEqual([])
    await main.close()
    await other.close()
  })
})
