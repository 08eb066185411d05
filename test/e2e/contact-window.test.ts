import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isOpenAt } from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS, seedCalendars } from '../../server/calendars/examples.ts'
import { importSop } from '../../server/start.ts'
import { createUser, launch, signIn } from './harness.ts'

/**
 * The bank's after-sale call in Chromium: at 09:00 on a working day in Hanoi the console shows the
 * call blocked until the contact window opens, with that time, in the reader's language; at 17:30
 * the block is gone.
 */
const H = 3_600_000
const vnWindow = calendarFiles(EXAMPLE_CALENDARS, new Date()).vn_contact_window
/** The next working day (from tomorrow) whose window opens at 17:00 in Hanoi: 09:00 there, in UTC. */
function nextWorkingMorning(): number {
  const day = new Date(Date.now() + 24 * H)
  let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 2) // 09:00 in Hanoi
  while ([0, 6].includes(new Date(at).getUTCDay()) || !isOpenAt(vnWindow, at + 8.5 * H)) at += 24 * H
  return at
}
const morning = nextWorkingMorning()
let offset = morning - Date.now()

let h: Awaited<ReturnType<typeof launch>>
let agent = ''
let id = ''
let version = 0
const api = async (path: string, body?: unknown) => {
  const res = await fetch(`${h.server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}
const act = async (action: string, extra: Record<string, unknown> = {}) => {
  const t = (await api(`/api/tickets/${id}`)).body.ticket
  const r = await api(`/api/tickets/${id}/actions`, { action, version: t.version, ...extra })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
}

beforeAll(async () => {
  h = await launch({ clock: () => new Date(Date.now() + offset) })
  const admin = (await h.server.storage.listUsers())[0]
  await seedCalendars(h.server.storage, EXAMPLE_CALENDARS, admin.id, new Date())
  const doc = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'bank-aftersale-care.json'), 'utf8'),
  )
  await importSop(h.server.storage, doc, admin.id, new Date().toISOString())
  agent = await createUser(h.server.url, h.adminToken, 'Lan Agent', 'agent')
  const opened = await api('/api/tickets', {
    sopId: 'bank-aftersale-care',
    channel: 'phone',
    subject: 'Hỏi thăm',
  })
  id = opened.body.ticket.id
  await act('da_ghi_nhan', {
    fields: {
      ten_khach_hang: 'Nguyễn Văn An',
      so_dien_thoai: '+84901234567',
      so_hop_dong: 'HD-1',
      san_pham: 'the_tin_dung',
      kenh_lien_he: 'dien_thoai',
      khung_gio: 'toi',
    },
    ticks: { theo_doi: ['cam_on', 'kenh'] },
  })
  await act('khach_lien_he')
  await act('da_chuan_bi', { ticks: { chuan_bi: ['doc_ho_so'] } })
  // What the call needs is filled in: only the contact window holds it back.
  const t = (await api(`/api/tickets/${id}`)).body.ticket
  const saved = await api(`/api/tickets/${id}/update`, {
    version: t.version,
    fields: { noi_dung: 'Khách hài lòng', co_khieu_nai: false, trung_thanh: false },
    ticks: { goi_khach: ['khung_gio_dung'] },
  })
  expect(saved.status, JSON.stringify(saved.body)).toBe(200)
  version = saved.body.ticket.version
}, 60_000)
afterAll(async () => h?.close())

const TEXTS: Record<string, string> = {
  en: 'The customer may not be contacted now; next allowed at',
  vi: 'Không được liên hệ khách hàng lúc này; thời điểm sớm nhất được phép là',
  cs: 'Zákazníka teď nelze kontaktovat; nejbližší povolený čas je',
}

describe('a call outside the customer’s contact window in the console', () => {
  it('shows the call blocked until 17:00 in Hanoi, in the reader’s language, and no longer at 17:30', async () => {
    const { page } = h
    const opens = new Date(morning + 8 * H) // 17:00 in Hanoi
    const refused = await api(`/api/tickets/${id}/actions`, { action: 'da_goi', version })
    expect(refused.body).toMatchObject({
      code: 'outside_contact_window',
      params: { nextAllowedAt: opens.toISOString() },
    })
    await signIn(page, agent, `#/tickets/${id}`)
    for (const lang of ['en', 'vi', 'cs']) {
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width, height })
        await page.goto(`/#/tickets/${id}`)
        await page.reload()
        const blocked = page.locator('[data-testid="blocked-da_goi"]')
        await blocked.waitFor()
        // The time as the reader's browser writes it, in its own time zone.
        const time = await page.evaluate(
          ([l, iso]) =>
            new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
          [lang, opens.toISOString()],
        )
        expect(await blocked.textContent()).toBe(`${TEXTS[lang]} ${time}.`)
        const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
        expect(fits, `${lang} at ${width} px`).toBe(true)
        await page.screenshot({
          path: join(
            import.meta.dirname,
            '..',
            '..',
            'test-output',
            'screenshots',
            `contact-window-${lang}-${width}.png`,
          ),
          fullPage: true,
        })
      }
    }
    // 17:30 in Hanoi: the window is open, the call is no longer blocked by it.
    offset = morning + 8.5 * H - Date.now()
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
    await page.reload()
    await page.waitForSelector('[data-action="da_goi"]')
    const after = page.locator('[data-testid="blocked-da_goi"]')
    const text = (await after.count()) ? await after.textContent() : ''
    expect(text).not.toContain(TEXTS.en)
  }, 60_000)
})
