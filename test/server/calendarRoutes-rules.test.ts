import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

const weekdays = (hours: { from: string; to: string }[]) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, hours]))
const desk = {
  title: 'Hanoi desk',
  timeZone: 'Asia/Ho_Chi_Minh',
  week: weekdays([{ from: '08:00', to: '17:00' }]),
}

async function withCalendar() {
  ctx = await setup()
  const c = ctx
  const put = (id: string, body: unknown) => c.call('PUT', `/api/calendars/${id}`, c.tokens.owner, body)
  const get = (path: string) => c.call('GET', `/api/calendars${path}`, c.tokens.owner)
  expect((await put('hanoi', { ...desk, baseVersion: 0 })).status).toBe(201)
  expect((await put('hanoi', { ...desk, title: 'Hanoi desk (late)', baseVersion: 1 })).status).toBe(201)
  return { c, put, get }
}

describe('calendar route rules', () => {
  it('each saved version stays readable by its number; a version not saved is 404 naming it', async () => {
    const { get } = await withCalendar()
    const one = await get('/hanoi/versions/1')
    expect(one.status).toBe(200)
    expect(one.body.version).toBe(1)
    expect(one.body.calendar.title).toBe('Hanoi desk')
    const two = await get('/hanoi/versions/2')
    expect(two.body.calendar.title).toBe('Hanoi desk (late)')
    const three = await get('/hanoi/versions/3')
    expect(three.status).toBe(404)
    expect(three.body.params).toEqual({ kind: 'calendar_version', id: 'hanoi@3' })
    const other = await get('/nowhere/versions/1')
    expect(other.status).toBe(404)
    expect(other.body.params).toEqual({ kind: 'calendar_version', id: 'nowhere@1' })
  })

  it('a version number other than a whole number from 1 is 400', async () => {
    const { get } = await withCalendar()
    for (const n of ['0', '-1', '1.5', 'latest']) {
      const r = await get(`/hanoi/versions/${n}`)
      expect(r.status, n).toBe(400)
      expect(r.body.code, n).toBe('invalid_request')
      expect(r.body.detail, n).toBe('The version must be a number from 1')
    }
  })

  it('an unknown calendar is 404 naming it; a calendar no SOP uses lists no users', async () => {
    const { get } = await withCalendar()
    const missing = await get('/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'calendar', id: 'nowhere' })
    const list = await get('')
    expect(list.status).toBe(200)
    expect(list.body.find((m: { id: string }) => m.id === 'hanoi').usedBy).toEqual([])
    const one = await get('/hanoi')
    expect(one.body.usedBy).toEqual([])
    expect(one.body.versions.map((v: { version: number }) => v.version).sort()).toEqual([1, 2])
  })

  it("an id in the body other than the path's is refused; the same id is accepted", async () => {
    const { put, get } = await withCalendar()
    const other = await put('hanoi', { ...desk, id: 'prague', baseVersion: 2 })
    expect(other.status).toBe(400)
    expect(other.body.code).toBe('invalid_request')
    expect(other.body.detail).toContain('id must be "hanoi"')
    expect((await get('/hanoi')).body.version).toBe(2)
    expect((await get('/prague')).status).toBe(404)
    const same = await put('hanoi', { ...desk, id: 'hanoi', baseVersion: 2 })
    expect(same.status).toBe(201)
    expect(same.body.version).toBe(3)
  })

  it('a baseVersion other than a whole number from 0 is refused, naming the field, and stores nothing', async () => {
    const { put, get } = await withCalendar()
    for (const baseVersion of [-1, 1.5, '2', null]) {
      const r = await put('hanoi', { ...desk, title: 'Typed', baseVersion })
      expect(r.status, String(baseVersion)).toBe(400)
      expect(r.body.code).toBe('invalid_request')
      expect(r.body.params).toEqual({ where: 'body', fields: 'baseVersion' })
    }
    const latest = await get('/hanoi')
    expect(latest.body.version).toBe(2)
    expect(latest.body.calendar.title).toBe('Hanoi desk (late)')
    // 0 on an existing calendar is a conflict (the value itself is allowed).
    const zero = await put('hanoi', { ...desk, baseVersion: 0 })
    expect(zero.status).toBe(409)
    expect(zero.body.code).toBe('calendar_conflict')
  })
})
