import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPerson, createUser, launch } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

/** Presses Tab until the element matching `selector` has the focus. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`could not reach ${selector} with the keyboard`)
}

describe('the agent console by keyboard alone, in Vietnamese', () => {
  it('signs in, opens a ticket and moves it on without the mouse', async () => {
    const { page } = h
    const agent = await createUser(h.server.url, h.adminToken, 'Lan', 'agent')
    const res = await fetch(`${h.server.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        sopId: 'complaint-handling',
        channel: 'phone',
        subject: 'Máy xay sinh tố bị hỏng',
      }),
    })
    const { ticket } = (await res.json()) as { ticket: { id: string } }
    await page.goto('/#/inbox')
    await page.evaluate(() => {
      localStorage.clear()
      localStorage.setItem('sopflow.lang', 'vi')
    })
    await page.reload()
    const lan = await createPerson(h.server.url, h.adminToken, 'Lan Trần', 'agent')
    await tabTo(page, 'input[name="email"]')
    await page.keyboard.type(lan.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(lan.password)
    await page.keyboard.press('Enter')
    await page.waitForSelector('text=Hộp việc')
    await tabTo(page, '.tabs button[role="tab"]:nth-of-type(4)')
    await page.keyboard.press('Enter')
    await tabTo(page, `a[href="#/tickets/${ticket.id}"]`)
    await page.keyboard.press('Enter')
    await page.waitForSelector('h2:has-text("Tiếp nhận khiếu nại")')

    await tabTo(page, 'input[name="tick-tiep_nhan-chao"]')
    await page.keyboard.press('Space')
    await tabTo(page, 'input[name="tick-tiep_nhan-lang_nghe"]')
    await page.keyboard.press('Space')
    await tabTo(page, 'input[name="field-ten_khach_hang"]')
    await page.keyboard.type('Trần Thị Mai')
    await tabTo(page, 'input[name="field-so_dien_thoai"]')
    await page.keyboard.type('+84 91 234 5678')
    await tabTo(page, 'textarea[name="field-mo_ta_loi"]')
    await page.keyboard.type('Máy không chạy sau hai ngày sử dụng')
    await tabTo(page, 'button[data-action="tiep_nhan_xong"]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('h2:has-text("Kiểm tra sản phẩm và xác định nguyên nhân")')
    expect(await page.textContent('.actions h3')).toBe('Bước tiếp theo')
    await h.shot('08-console-keyboard-vi')
  })
})
