import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner = ''
let agent = ''
beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
  agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
})
afterAll(async () => h?.close())

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('reply templates', () => {
  it('the owner writes a template in the designer, publishes it, and the agent picks it on the desk, sees it filled in, edits and sends it', async () => {
    const { page } = h
    await signIn(page, owner, '#/designer/support-ticket')
    await page.waitForSelector('.react-flow__node')
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
    await page.waitForSelector('[data-testid="templates-editor"]')
    await page.getByRole('button', { name: /Add a reply template/ }).click()
    const text = page.locator('textarea[name="template-text-reply_1"]')
    await text.click()
    await page.keyboard.press('Control+a')
    await page.keyboard.type(
      'Dear {{ customer.name }}, your request {{ ticket.reference }} is with {{ agent.name }}.',
    )
    await page.locator('input[name="template-title-reply_1"]').fill('Taken over')
    await page
      .locator('[data-testid="templates-editor"]')
      .screenshot({ path: join(SHOTS, 'templates-editor-en.png') })
    await page.keyboard.press('Control+s')
    await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
    const draft = await api(owner, 'GET', '/sops/support-ticket')
    expect(draft.body.document.templates).toEqual([
      {
        id: 'reply_1',
        title: 'Taken over',
        text: 'Dear {{ customer.name }}, your request {{ ticket.reference }} is with {{ agent.name }}.',
      },
    ])
    const published = await api(owner, 'POST', '/sops/support-ticket/publish', {})
    expect(published.status).toBe(201)

    const customer = await api(agent, 'POST', '/customers', { name: 'Petr Novák', email: 'petr@example.cz' })
    const t = await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'email',
      subject: 'Refund',
      customerId: customer.body.id,
      assignToMe: true,
    })
    const id = t.body.ticket.id as string
    // The agent on their own browser.
    const desk = await h.browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: h.server.url })
    await signIn(desk, agent, `#/tickets/${id}`)
    await desk.waitForSelector('select[name="reply-template"]')
    await desk.fill('textarea[name="note"]', 'Hello,')
    await desk.selectOption('select[name="reply-template"]', 'reply_1')
    const reference = `T-${t.body.ticket.number}`
    // What was typed stays; the filled-in template comes below it, ready to edit, to the customer.
    expect(await desk.inputValue('textarea[name="note"]')).toBe(
      `Hello,\n\nDear Petr Novák, your request ${reference} is with Lan Nguyễn.`,
    )
    expect(await desk.inputValue('select[name="note-visibility"]')).toBe('customer')
    await desk.locator('textarea[name="note"]').press('End')
    await desk.keyboard.type(' Thank you!')
    await desk.screenshot({ path: join(SHOTS, 'templates-desk-en.png') })
    await desk.getByRole('button', { name: /^Add note$/ }).click()
    await desk.waitForFunction(
      () => !(document.querySelector('textarea[name="note"]') as HTMLTextAreaElement).value,
    )
    // The panels in Vietnamese and Czech, on a wide and a phone screen.
    for (const lang of ['vi', 'cs']) {
      await desk.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        await desk.setViewportSize({ width: w, height: hgt })
        await desk.reload()
        await desk.waitForSelector('select[name="reply-template"]')
        await desk
          .locator('section.notes')
          .screenshot({ path: join(SHOTS, `templates-desk-${lang}-${w}.png`) })
      }
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'cs'))
    await page.reload()
    await page.waitForSelector('.react-flow__node')
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
    await page.waitForSelector('[data-testid="templates-editor"]')
    await page
      .locator('[data-testid="templates-editor"]')
      .screenshot({ path: join(SHOTS, 'templates-editor-cs.png') })
    const view = await api(agent, 'GET', `/tickets/${id}`)
    expect(view.body.notes.at(-1)).toMatchObject({
      visibility: 'customer',
      text: `Hello,\n\nDear Petr Novák, your request ${reference} is with Lan Nguyễn. Thank you!`,
    })
  }, 90_000)
})
