import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { calendarSchema } from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS, seedCalendars } from '../../server/calendars/examples.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { root } from './helpers.ts'

const now = new Date('2026-03-02T08:00:00.000Z')
const desk = (title: string) => ({
  title,
  timeZone: 'Europe/Prague',
  week: { mon: [{ from: '08:00', to: '17:00' }] },
  holidayRegions: ['CZ'],
})

function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-calendars-'))
  for (const [name, body] of Object.entries(files))
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body))
  return dir
}

describe('example calendar rules', () => {
  it("the shipped examples' calendars are in examples/calendars", () => {
    expect(EXAMPLE_CALENDARS).toBe(join(root, 'examples', 'calendars'))
    expect(Object.keys(calendarFiles(EXAMPLE_CALENDARS, now))).toEqual([
      'cz_contact_window',
      'vn_contact_window',
    ])
  })

  it('reads each .json file as the calendar named by the file, with its regions’ holidays, and nothing else', () => {
    const dir = folder({
      'b_desk.json': { ...desk('B'), id: 'other' },
      'a_desk.json': desk('A'),
      'notes.txt': 'x',
    })
    const found = calendarFiles(dir, now)
    expect(Object.keys(found)).toEqual(['a_desk', 'b_desk'])
    expect(found.b_desk.id).toBe('b_desk')
    expect(found.a_desk.title).toBe('A')
    // Czech public holidays of the years around `now` are resolved into dated closures.
    expect(JSON.stringify(found.a_desk)).toContain('2026-12-25')
    expect(calendarFiles(join(dir, 'missing'), now)).toEqual({})
  })

  it('a file that is not a calendar is refused', () => {
    const dir = folder({ 'bad.json': { title: 'No time zone' } })
    expect(() => calendarFiles(dir, now)).toThrow(/timeZone/)
  })

  it('seeds the calendars that do not exist yet, leaves the others, and returns the ids saved', async () => {
    const storage = new SqliteStorage(':memory:')
    try {
      await storage.calendars.add(
        calendarSchema.parse({ ...desk('Kept as it was'), id: 'a_desk' }),
        now.toISOString(),
        'u1',
      )
      const dir = folder({ 'a_desk.json': desk('A'), 'b_desk.json': desk('B') })
      expect(await seedCalendars(storage, dir, 'u1', now)).toEqual(['b_desk'])
      expect((await storage.calendars.get('a_desk'))?.calendar.title).toBe('Kept as it was')
      expect((await storage.calendars.get('a_desk'))?.version).toBe(1)
      const b = await storage.calendars.get('b_desk')
      expect(b?.calendar.title).toBe('B')
      expect(b?.createdBy).toBe('u1')
      expect(b?.createdAt).toBe(now.toISOString())
      expect(await seedCalendars(storage, dir, 'u1', now)).toEqual([])
    } finally {
      await storage.close()
    }
  })
})
