import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'

/**
 * The bank's after-sale example on a fresh database, through the real HTTP server: it loads with
 * its contact window (Vietnam, VN holidays), and the call to the customer is refused during the
 * customer's working hours with the next allowed time.
 */
let dir = ''
let server: RunningServer
let now = Date.parse('2026-03-10T02:00:00.000Z') // Tuesday 09:00 in Hanoi
let agent = ''
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopflow-bank-windows-'))
  server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0, clock: () => new Date(now) })
  const r = await call('POST', '/api/users', server.adminToken, { name: 'Lan Agent', role: 'agent' })
  agent = r.body.token
}, 60_000)
afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

const act = async (id: string, action: string, extra: Record<string, unknown> = {}) => {
  const t = (await call('GET', `/api/tickets/${id}`, agent)).body.ticket
  return call('POST', `/api/tickets/${id}/actions`, agent, { action, version: t.version, ...extra })
}

/** A ticket of the after-sale SOP brought to the call step, by way of the customer's own contact. */
async function atCallStep(timeZone?: string) {
  const opened = await call('POST', '/api/tickets', agent, {
    sopId: 'bank-aftersale-care',
    channel: 'phone',
    subject: 'Hỏi thăm sau bán',
  })
  expect(opened.status).toBe(201)
  const id = opened.body.ticket.id as string
  const noted = await act(id, 'da_ghi_nhan', {
    fields: {
      ten_khach_hang: 'Nguyễn Văn An',
      so_dien_thoai: '+84901234567',
      so_hop_dong: 'HD-1',
      san_pham: 'the_tin_dung',
      kenh_lien_he: 'dien_thoai',
      khung_gio: 'toi',
      ...(timeZone ? { mui_gio: timeZone } : {}),
    },
    ticks: { theo_doi: ['cam_on', 'kenh'] },
  })
  expect(noted.status, JSON.stringify(noted.body)).toBe(200)
  const timers = (await call('GET', `/api/tickets/${id}`, agent)).body.timers
  expect((await act(id, 'khach_lien_he')).status).toBe(200)
  expect((await act(id, 'da_chuan_bi', { ticks: { chuan_bi: ['doc_ho_so'] } })).status).toBe(200)
  return { id, timers: timers as { id: string; dueAt: string }[] }
}

const called = {
  fields: { noi_dung: 'Khách hài lòng', co_khieu_nai: false, trung_thanh: false },
  ticks: { goi_khach: ['khung_gio_dung'] },
}

describe('the bank examples’ contact windows through the server', () => {
  it('loads the bank examples and their contact windows, with VN holidays, on a fresh database', async () => {
    const calendars = (await call('GET', '/api/calendars', agent)).body.map((c: { id: string }) => c.id)
    expect(calendars).toEqual(expect.arrayContaining(['vn_contact_window', 'cz_contact_window']))
    const window = (await call('GET', '/api/calendars/vn_contact_window', agent)).body.calendar
    expect(window).toMatchObject({ timeZone: 'Asia/Ho_Chi_Minh', holidayRegions: ['VN'] })
    expect(window.holidays).toContainEqual(expect.objectContaining({ date: '2026-09-02', region: 'VN' }))
    // Both bank SOPs were published (their windows pinned): tickets open on them.
    for (const sopId of ['bank-aftersale-care', 'bank-presale-care'])
      expect(
        (await call('POST', '/api/tickets', agent, { sopId, channel: 'phone', subject: 'Test' })).status,
      ).toBe(201)
  })

  it('refuses the call at 09:00 on a weekday with the next allowed time, accepts it at 17:30; the 30-day follow-up waits for the window', async () => {
    now = Date.parse('2026-03-10T02:00:00.000Z') // Tuesday 09:00 in Hanoi
    const { id, timers } = await atCallStep()
    // 30 days after Tuesday 09:00 is Thursday 9 April 09:00, in working hours: moved to 17:00.
    expect(timers).toEqual([expect.objectContaining({ kind: 'delay', transitionId: 't_den_ky' })])
    expect(timers[0].dueAt).toBe('2026-04-09T10:00:00.000Z')
    const refused = await act(id, 'da_goi', called)
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({
      code: 'outside_contact_window',
      params: { nextAllowedAt: '2026-03-10T10:00:00.000Z' },
    })
    expect((await call('GET', `/api/tickets/${id}`, agent)).body.ticket.steps).toEqual(['goi_khach'])
    now = Date.parse('2026-03-10T05:00:00.000Z') // 12:00, lunch: still refused
    expect((await act(id, 'da_goi', called)).body.params).toMatchObject({
      nextAllowedAt: '2026-03-10T10:00:00.000Z',
    })
    now = Date.parse('2026-03-10T10:30:00.000Z') // 17:30 in Hanoi
    const accepted = await act(id, 'da_goi', called)
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200)
    expect(accepted.body.ticket.steps).not.toContain('goi_khach')
  })

  it('counts the window in the customer’s time zone, and closes it on Vietnamese holidays', async () => {
    now = Date.parse('2026-03-10T10:30:00.000Z') // 17:30 in Hanoi, 11:30 in Prague
    const abroad = await atCallStep('Europe/Prague')
    const refused = await act(abroad.id, 'da_goi', called)
    expect(refused.body).toMatchObject({
      code: 'outside_contact_window',
      params: { nextAllowedAt: '2026-03-10T16:00:00.000Z' }, // 17:00 in Prague
    })
    now = Date.parse('2026-09-02T11:00:00.000Z') // Independence Day, Wednesday 18:00 in Hanoi
    const holiday = await atCallStep()
    const closed = await act(holiday.id, 'da_goi', called)
    expect(closed.status).toBe(422)
    expect(closed.body.params.nextAllowedAt > '2026-09-02T23:59:59.000Z').toBe(true)
  })
})
