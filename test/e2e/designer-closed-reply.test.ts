import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner: string
beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
  await signIn(h.page, owner, '#/designer')
  await h.page.waitForSelector('.sop-list')
})
afterAll(async () => h?.close())

async function draft(id: string): Promise<{ closedReply?: { mode: string; step?: string } }> {
  const r = await fetch(`${h.server.url}/api/sops/${id}`, { headers: { authorization: `Bearer ${owner}` } })
  return ((await r.json()) as { document: { closedReply?: { mode: string; step?: string } } }).document
}

async function sopPanel(page: Page, id: string) {
  await page.goto(`${h.server.url}/#/designer/${id}`)
  await page.waitForSelector('.react-flow__node')
  await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
  await page.waitForSelector('input[name="sop-title"]')
}

describe('the SOP panel: a customer writing on a closed ticket', () => {
  it('offers a follow-up (the default) or a reopen at a chosen step, saved in the SOP', async () => {
    const { page } = h
    await sopPanel(page, 'support-ticket')
    const followUp = page.locator('input[name="closed-reply"][value="followUp"]')
    expect(await followUp.isChecked()).toBe(true)
    expect(await page.locator('select[name="closed-reply-step"]').count()).toBe(0)
    await page.locator('input[name="closed-reply"][value="reopen"]').check()
    const step = page.locator('select[name="closed-reply-step"]')
    await step.waitFor()
    const options = await step
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    const ends = (await draft('support-ticket')) as unknown as { steps: { id: string; kind: string }[] }
    const endIds = ends.steps.filter((s) => s.kind === 'end').map((s) => s.id)
    expect(options.length).toBeGreaterThan(1)
    for (const id of endIds) expect(options).not.toContain(id)
    await step.selectOption(options[1])
    await page.keyboard.press('Control+s')
    await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
    await expect
      .poll(async () => (await draft('support-ticket')).closedReply)
      .toEqual({
        mode: 'reopen',
        step: options[1],
      })
    // Back to the default: the setting leaves the document.
    await followUp.check()
    await page.keyboard.press('Control+s')
    await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
    await expect.poll(async () => (await draft('support-ticket')).closedReply).toBeUndefined()
  })

  it('reads in each language, on a wide and a narrow screen', async () => {
    const { page } = h
    const words = { en: 'Reopen the ticket', vi: 'Mở lại phiếu', cs: 'Znovu otevřít tiket' }
    for (const [lang, text] of Object.entries(words)) {
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.setViewportSize({ width: 1440, height: 900 })
      await page.reload()
      await sopPanel(page, 'support-ticket')
      await page.locator('input[name="closed-reply"][value="reopen"]').check()
      const box = page.locator('fieldset.closed-reply')
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width: w, height: hgt })
        await box.scrollIntoViewIfNeeded()
        expect(await box.textContent()).toContain(text)
        await page.screenshot({ path: `test-output/screenshots/closed-reply-${lang}-${w}.png` })
      }
      await page.locator('input[name="closed-reply"][value="followUp"]').check()
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
    await page.setViewportSize({ width: 1440, height: 900 })
  })
})
