import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let agent = ''
let ticketId = ''
beforeAll(async () => {
  h = await launch()
  agent = await createUser(h.server.url, h.adminToken, 'Nguyễn Thị Lan Phương', 'agent')
  const post = async (path: string, body: unknown) =>
    (await (
      await fetch(`${h.server.url}/api${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as any
  const hoa = await post('/customers', {
    name: 'Nguyễn Thị Hoa',
    phone: '+84 90 111 2222',
    email: 'hoa@example.vn',
  })
  const first = await post('/tickets', {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Thẻ bị trừ tiền hai lần cho một đơn hàng, khách yêu cầu hoàn tiền ngay trong ngày',
    customerId: hoa.id,
    priority: 'high',
    assignToMe: true,
  })
  ticketId = first.ticket.id
  await post('/tickets', {
    sopId: 'complaint-handling',
    channel: 'walk-in',
    subject: 'Máy xay sinh tố bị hỏng sau hai ngày',
    assignToMe: true,
  })
})
afterAll(async () => h?.close())

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))

async function switchLanguage(page: Page, lang: string) {
  await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
  await page.reload()
}

describe('the desk on a phone and on a desktop, in three languages', () => {
  it('works in one column at 390 × 844 with no sideways scroll, priority and due in view', async () => {
    const { page } = h
    await page.setViewportSize({ width: 390, height: 844 })
    await signIn(page, agent)
    await page.waitForSelector('table.tickets tbody tr')
    const inbox = await noSidewaysScroll(page)
    expect(inbox.scroll).toBeLessThanOrEqual(inbox.client)
    expect(await page.locator('td.cell-priority').first().isVisible()).toBe(true)
    expect(await page.locator('td.cell-due').first().isVisible()).toBe(true)
    // The header folds into a menu.
    expect(await page.locator('.shell-nav a').first().isVisible()).toBe(false)
    await page.getByRole('button', { name: 'Menu' }).click()
    expect(await page.locator('.shell-signout').isVisible()).toBe(true)
    const right = await page.locator('.shell-signout').boundingBox()
    expect(right!.x + right!.width).toBeLessThanOrEqual(390)
    await page.getByRole('button', { name: 'Menu' }).click()

    await page.click(`a[href="#/tickets/${ticketId}"]`)
    await page.waitForSelector('h2:has-text("Receive the request")')
    const ticket = await noSidewaysScroll(page)
    expect(ticket.scroll).toBeLessThanOrEqual(ticket.client)
    const step = await page.locator('.step-card').boundingBox()
    const customer = await page.locator('.customer').boundingBox()
    expect(step!.width).toBeGreaterThan(330)
    // One column: the customer card lies below the step, not on top of it.
    expect(customer!.y).toBeGreaterThanOrEqual(step!.y + step!.height)
  })

  it('tells a designer at 390 px to use a larger screen', async () => {
    const { page } = h
    await page.setViewportSize({ width: 390, height: 844 })
    const owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
    await signIn(page, owner, '#/designer')
    await page.waitForSelector('.narrow-notice')
    expect(await page.locator('.narrow-notice').isVisible()).toBe(true)
    await page.setViewportSize({ width: 1440, height: 900 })
    expect(await page.locator('.narrow-notice').isVisible()).toBe(false)
  })

  it('counts with each language’s plural rules and writes durations in its words', async () => {
    const { page } = h
    await page.setViewportSize({ width: 1440, height: 900 })
    await signIn(page, agent)
    await page.waitForSelector('[data-testid="open-count"]')
    await switchLanguage(page, 'cs')
    await page.waitForSelector('[data-testid="open-count"]')
    expect(await page.textContent('[data-testid="open-count"]')).toBe('2 otevřené')
    await switchLanguage(page, 'vi')
    await page.waitForSelector('td.cell-due')
    expect(await page.textContent('[data-testid="open-count"]')).toBe('2 đang mở')
    expect(await page.locator('td.cell-due').first().textContent()).toMatch(/\d+ phút/)
    await switchLanguage(page, 'en')
  })

  it('takes screenshots of the inbox and ticket page at 1440 × 900 and 390 × 844 in en, vi and cs', async () => {
    const { page } = h
    await signIn(page, agent)
    for (const [w, hgt] of [
      [1440, 900],
      [390, 844],
    ]) {
      await page.setViewportSize({ width: w, height: hgt })
      for (const lang of ['en', 'vi', 'cs']) {
        await page.goto('/#/inbox')
        await switchLanguage(page, lang)
        await page.waitForSelector('table.tickets tbody tr')
        await page.screenshot({ path: `${SHOTS}/desk-inbox-${w}-${lang}.png`, fullPage: false })
        await page.goto(`/#/tickets/${ticketId}`)
        await page.waitForSelector('.step-card h2')
        await page.screenshot({ path: `${SHOTS}/desk-ticket-${w}-${lang}.png`, fullPage: false })
        const m = await noSidewaysScroll(page)
        expect(m.scroll, `${w} ${lang}`).toBeLessThanOrEqual(m.client)
      }
    }
    await switchLanguage(page, 'en')
  })
})
