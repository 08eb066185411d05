import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let ctx: BrowserContext
let page: Page
let owner = ''

const api = async (path: string) => {
  const res = await fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${owner}` } })
  return { status: res.status, body: (await res.json()) as any }
}
const title = () => page.locator('input[name="title"]')
const day = (p: Page, d: string) => p.locator(`[data-day="${d}"]`)
const save = (p: Page) => p.getByRole('button', { name: 'Save as new version' }).click()
const year = new Date().getFullYear()

beforeAll(async () => {
  h = await launch()
  owner = await createUser(h.server.url, h.adminToken, 'Nguyễn Thị Lan', 'owner')
  ctx = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: h.server.url })
  page = await ctx.newPage()
  page.on('pageerror', (e) => console.error('page error:', e.message))
})
afterAll(async () => {
  await ctx?.close()
  await h?.close()
})

describe('calendars in the web app', () => {
  it('creates a Prague calendar Mon–Fri 08:00–17:00 with Czech holidays, and shows it after a reload', async () => {
    await signIn(page, owner, '#/calendars')
    await page.locator('h1', { hasText: 'Calendars' }).waitFor()
    await page.getByRole('link', { name: 'New calendar' }).click()
    await page.locator('h1', { hasText: 'New calendar' }).waitFor()
    await page.locator('input[name="id"]').fill('prague')
    await title().fill('Prague desk')
    await page.locator('input[name="timeZone"]').fill('Europe/Prague')
    // A new calendar starts open Monday to Friday 08:00–17:00, closed at the weekend.
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri']) {
      expect(
        await day(page, d)
          .getByRole('textbox')
          .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      ).toEqual(['08:00', '17:00'])
    }
    expect(await day(page, 'sat').textContent()).toContain('Closed')
    await page.getByLabel('Country').selectOption('CZ')
    // The preview lists the year's Czech public holidays, Statehood Day among them.
    await page.locator(`.cal-holiday-list time[datetime="${year}-10-28"]`).waitFor()
    expect(await page.locator('.cal-holiday-list li').count()).toBeGreaterThanOrEqual(12)
    await page.getByRole('button', { name: 'Create calendar' }).click()
    await page.waitForFunction(() => location.hash === '#/calendars/prague')
    await page.locator('text=Editing version 1 of “prague”.').waitFor()

    const stored = await api('/api/calendars/prague')
    expect(stored.body.version).toBe(1)
    expect(stored.body.calendar).toMatchObject({
      title: 'Prague desk',
      timeZone: 'Europe/Prague',
      always: false,
      holidayRegions: ['CZ'],
      week: { mon: [{ from: '08:00', to: '17:00' }], fri: [{ from: '08:00', to: '17:00' }] },
    })
    expect(stored.body.calendar.week.sat).toBeUndefined()
    expect(stored.body.calendar.holidays.map((x: { date: string }) => x.date)).toContain(`${year}-12-24`)

    await page.reload()
    await page.locator('h1', { hasText: 'Prague desk' }).waitFor()
    expect(await title().inputValue()).toBe('Prague desk')
    expect(await page.locator('input[name="timeZone"]').inputValue()).toBe('Europe/Prague')
    expect(await page.getByLabel('Country').inputValue()).toBe('CZ')
    await page.getByRole('link', { name: 'All calendars' }).click()
    const row = page.locator('tr[data-calendar="prague"]')
    await row.waitFor()
    expect(await row.innerText()).toContain('Europe/Prague')
    expect(await row.innerText()).toContain('No published SOP yet')
    await page.screenshot({ path: join(SHOTS, 'calendars-list-1440-en.png'), fullPage: true })
  })

  it('saves an edit as version 2 and shows version 1 read-only in the history', async () => {
    await page.goto('/#/calendars/prague')
    await page.locator('h1', { hasText: 'Prague desk' }).waitFor()
    await page.getByLabel('Friday, hours 1: until').fill('15:00')
    await page.getByRole('button', { name: '+ opening day' }).click()
    await page.getByLabel('Date of opening day 1').fill(`${year}-12-19`)
    await page.getByLabel('Reason for opening day 1').fill('Year-end Saturday')
    await save(page)
    await page.locator('[role="status"]', { hasText: 'Saved as version 2.' }).waitFor()
    const stored = await api('/api/calendars/prague')
    expect(stored.body.version).toBe(2)
    expect(stored.body.calendar.week.fri).toEqual([{ from: '08:00', to: '15:00' }])
    expect(stored.body.calendar.openings).toEqual([
      { date: `${year}-12-19`, name: 'Year-end Saturday', hours: [{ from: '08:00', to: '12:00' }] },
    ])
    expect(stored.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])

    await page.getByRole('button', { name: 'Version 1', exact: true }).click()
    const old = page.locator('.cal-old[data-version="1"]')
    await old.waitFor()
    expect(await old.innerText()).toContain('Friday: 08:00–17:00')
    expect(await old.locator('input, select').count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'calendars-edit-1440-en.png'), fullPage: true })
  })

  it('shows a save conflict from a second tab, keeps what was typed, and reloads only when asked', async () => {
    await page.goto('/#/calendars/prague')
    await page.locator('h1', { hasText: 'Prague desk' }).waitFor()
    await title().fill('Prague desk — typed in tab one')

    const second = await ctx.newPage()
    await second.goto('/#/calendars/prague')
    await second.locator('h1', { hasText: 'Prague desk' }).waitFor()
    await second.locator('input[name="title"]').fill('Prague desk (tab two)')
    await save(second)
    await second.locator('[role="status"]', { hasText: 'Saved as version 3.' }).waitFor()
    await second.close()

    await save(page)
    const dialog = page.getByTestId('calendar-conflict')
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain(
      'Someone saved calendar “prague” in the meantime: it is at version 3, your edit started from version 2.',
    )
    expect(await title().inputValue()).toBe('Prague desk — typed in tab one')
    await page.screenshot({ path: join(SHOTS, 'calendars-conflict-1440-en.png'), fullPage: true })
    await dialog.getByRole('button', { name: 'Keep my changes' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await title().inputValue()).toBe('Prague desk — typed in tab one')
    expect((await api('/api/calendars/prague')).body.calendar.title).toBe('Prague desk (tab two)')

    await save(page)
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Load the newer version' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.waitForFunction(
      () =>
        (document.querySelector('input[name="title"]') as HTMLInputElement).value === 'Prague desk (tab two)',
    )
    expect((await api('/api/calendars/prague')).body.version).toBe(3)
  })

  it('shows a bad interval at its field and saves nothing', async () => {
    await page.goto('/#/calendars/prague')
    await page.locator('h1', { hasText: 'Prague desk (tab two)' }).waitFor()
    await page.getByLabel('Monday, hours 1: from').fill('17:00')
    await page.getByLabel('Monday, hours 1: until').fill('08:00')
    await save(page)
    const error = page.locator('[data-error-for="week.mon.0"]')
    await error.waitFor()
    expect(await error.innerText()).toBe('Opening hours 17:00–08:00 must end after they start.')
    expect(await page.getByLabel('Monday, hours 1: from').getAttribute('aria-invalid')).toBe('true')
    const stored = await api('/api/calendars/prague')
    expect(stored.body.version).toBe(3)
    expect(stored.body.calendar.week.mon).toEqual([{ from: '08:00', to: '17:00' }])

    // Overlapping hours on one day: the second interval is marked.
    await page.getByLabel('Monday, hours 1: from').fill('08:00')
    await page.getByLabel('Monday, hours 1: until').fill('12:00')
    await page.getByRole('button', { name: 'Add hours on Monday' }).click()
    await page.getByLabel('Monday, hours 2: from').fill('11:00')
    await page.getByLabel('Monday, hours 2: until').fill('16:00')
    await save(page)
    await page.locator('[data-error-for="week.mon.1"]', { hasText: 'overlap 08:00–12:00' }).waitFor()
    expect((await api('/api/calendars/prague')).body.version).toBe(3)
  })

  it('asks before leaving with unsaved edits, in the app and when the tab is closed', async () => {
    await page.goto('/#/calendars/prague')
    await page.locator('h1', { hasText: 'Prague desk (tab two)' }).waitFor()
    await title().fill('Not yet saved')
    await page.getByRole('link', { name: 'Designer' }).click()
    const leave = page.getByTestId('calendar-leave')
    await leave.waitFor()
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click()
    await leave.waitFor({ state: 'detached' })
    expect(await page.evaluate(() => location.hash)).toBe('#/calendars/prague')
    expect(await title().inputValue()).toBe('Not yet saved')

    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.type())
        void d.dismiss()
      }),
    )
    await page.close({ runBeforeUnload: true })
    expect(await asked).toBe('beforeunload')
    // The tab stayed open: the edit is still there.
    expect(await title().inputValue()).toBe('Not yet saved')

    await page.getByRole('link', { name: 'Designer' }).click()
    await leave.getByRole('button', { name: 'Leave and drop the changes' }).click()
    await page.waitForFunction(() => location.hash.startsWith('#/designer'))
  })

  it('shows the calendar page at 1440 and 390 px in English, Vietnamese and Czech without overflow', async () => {
    for (const [lang, heading] of [
      ['en', 'Weekly opening hours'],
      ['vi', 'Giờ mở cửa hằng tuần'],
      ['cs', 'Týdenní otevírací doba'],
    ] as const) {
      await page.setViewportSize({ width: 1440, height: 900 })
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.goto('/#/calendars/prague')
      await page.reload()
      await page.locator('legend', { hasText: heading }).waitFor()
      await page.locator('.cal-holiday-list li').first().waitFor()
      await page.screenshot({ path: join(SHOTS, `calendars-1440-${lang}.png`), fullPage: true })
      await page.setViewportSize({ width: 390, height: 844 })
      await page.locator('legend', { hasText: heading }).waitFor()
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), lang).toBe(
        true,
      )
      await page.screenshot({ path: join(SHOTS, `calendars-390-${lang}.png`), fullPage: true })
      await page.goto('/#/calendars')
      await page.locator('tr[data-calendar="prague"]').waitFor()
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), lang).toBe(
        true,
      )
      await page.screenshot({ path: join(SHOTS, `calendars-list-390-${lang}.png`), fullPage: true })
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
  })
})
