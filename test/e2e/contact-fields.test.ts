import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteOf } from '../../server/storage/open.ts'
import { createUser, launch, SHOTS } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner: string
beforeAll(async () => {
  h = await launch()
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
})
afterAll(async () => h?.close())

describe('a web form asking SOP fields of the customer', () => {
  it('shows each asked field as its type asks, and the answers become the ticket’s fields', async () => {
    const made = await fetch(`${h.server.url}/api/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'form',
        name: 'Hoàn tiền',
        address: 'hoan-tien',
        sopId: 'support-ticket',
        settings: { language: 'vi', askFields: ['category', 'refund_amount'] },
      }),
    })
    expect(made.status).toBe(201)
    for (const [w, hgt] of [
      [1440, 900],
      [390, 844],
    ]) {
      const page = await h.browser.newPage({ baseURL: h.server.url, viewport: { width: w, height: hgt } })
      await page.goto('/#/contact/hoan-tien')
      const category = page.locator('select[name="field-category"]')
      await category.waitFor()
      const choices = await category
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
      expect(choices).toEqual(['', 'billing', 'technical', 'delivery', 'other'])
      expect(await page.getAttribute('input[name="field-refund_amount"]', 'type')).toBe('number')
      await page.fill('input[name="name"]', 'Phạm Minh')
      await page.fill('input[name="email"]', `minh${w}@example.vn`)
      await page.fill('input[name="subject"]', 'Bị trừ tiền hai lần')
      await page.fill('textarea[name="message"]', 'Tôi bị trừ tiền hai lần cho một đơn.')
      await category.selectOption('billing')
      await page.fill('input[name="field-refund_amount"]', '250000')
      await page.screenshot({ path: `${SHOTS}/contact-fields-vi-${w}.png`, fullPage: true })
      await page.getByRole('button', { name: 'Gửi' }).click()
      const reference = (await page.getByTestId('reference').textContent()) ?? ''
      const number = Number(reference.replace('T-', ''))
      const row = sqliteOf(h.server.storage)
        .db.prepare('SELECT id FROM tickets WHERE number = ?')
        .get(number) as {
        id: string
      }
      const t = await h.server.storage.getTicket(row.id)
      expect(t?.state.context.fields).toMatchObject({ category: 'billing', refund_amount: 250000 })
      await page.close()
    }
  })
})
