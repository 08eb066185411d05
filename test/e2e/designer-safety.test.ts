import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

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

type Doc = {
  title: string
  department: string
  purpose: string
  steps: { id: string; title: string; outcome?: string }[]
  transitions: { id: string; guard?: string }[]
  fields: { name: string; type: string; options?: { value: string; label: string }[] }[]
}

/** The draft as the server holds it, read over HTTP outside the browser. */
async function serverDraft(id: string): Promise<{ document: Doc; revision: number }> {
  const r = await fetch(`${h.server.url}/api/sops/${id}`, { headers: { authorization: `Bearer ${owner}` } })
  return (await r.json()) as { document: Doc; revision: number }
}

async function open(page: Page, id: string) {
  await page.goto(`${h.server.url}/#/designer/${id}`)
  await page.waitForSelector('.react-flow__node')
  await page.waitForSelector('[data-testid="save-status"][data-state="saved"]')
  // The whole flowchart in view (the opening view is fitted by width and may leave steps below).
  await page.locator('.react-flow__controls-fitview').click()
}

/** Replaces a field's text with the keyboard, as a person does: click, select all, type. */
async function retype(page: Page, selector: string, text: string) {
  await page.locator(selector).click()
  await page.keyboard.press('Control+a')
  await page.keyboard.type(text)
}

/** Shows the SOP panel (nothing selected) by clicking the empty canvas. */
async function sopPanel(page: Page) {
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } })
  await page.waitForSelector('input[name="sop-title"]')
}

const saveState = (page: Page, state: string, timeout = 10_000) =>
  page.waitForSelector(`[data-testid="save-status"][data-state="${state}"]`, { timeout })

describe('the designer never loses work', () => {
  it('after Print and Back the editor shows the latest draft, and the next save keeps the earlier edit', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await sopPanel(page)
    await retype(page, 'input[name="sop-title"]', 'Support ticket, edited before printing')
    await page.keyboard.press('Control+s')
    await saveState(page, 'saved')
    await page.getByRole('link', { name: /Print/ }).click()
    await page.waitForSelector('.print-view h1')
    expect(await page.textContent('.print-view h1')).toBe('Support ticket, edited before printing')
    expect(await page.textContent('[data-testid="print-which"]')).toMatch(/^Draft, revision \d+/)
    await page.getByRole('link', { name: /Back to the designer/ }).click()
    await page.waitForSelector('.react-flow__node')
    await sopPanel(page)
    expect(await page.inputValue('input[name="sop-title"]')).toBe('Support ticket, edited before printing')
    await retype(page, 'input[name="sop-department"]', 'Customer care after print')
    await page.keyboard.press('Control+s')
    await saveState(page, 'saved')
    const { document } = await serverDraft('support-ticket')
    expect(document.title).toBe('Support ticket, edited before printing')
    expect(document.department).toBe('Customer care after print')
  })

  it('saves an unsaved edit before in-app navigation, and asks (in the reader language) when it cannot', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await sopPanel(page)
    await retype(page, 'textarea[name="sop-purpose"]', 'Typed just before leaving for the dashboard')
    // Leave at once, well before the autosave pause is over.
    await page.getByRole('link', { name: 'Dashboard' }).click()
    // The address changes at the click; the app shows the dashboard only once the draft is saved,
    // well before the autosave would have run.
    await page.waitForURL(/#\/dashboard/)
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor()
    expect((await serverDraft('support-ticket')).document.purpose).toBe(
      'Typed just before leaving for the dashboard',
    )

    // Offline: leaving asks; staying keeps the edit, which is saved once back online.
    await open(page, 'support-ticket')
    await sopPanel(page)
    await page.context().setOffline(true)
    await retype(page, 'textarea[name="sop-purpose"]', 'Typed while offline')
    await page.getByRole('link', { name: /Print/ }).click()
    await page.waitForSelector('[data-testid="leave-dialog"]')
    expect(await page.textContent('[data-testid="leave-dialog"]')).toContain('You are offline')
    await h.shot('safety-leave-offline')
    await page.getByRole('button', { name: 'Stay and keep my changes' }).click()
    await page.waitForSelector('[data-testid="leave-dialog"]', { state: 'detached' })
    expect(page.url()).toMatch(/#\/designer\/support-ticket$/)
    expect(await page.inputValue('textarea[name="sop-purpose"]')).toBe('Typed while offline')
    await saveState(page, 'offline')
    await h.shot('safety-state-offline')
    await page.context().setOffline(false)
    const retry = page.getByRole('button', { name: 'Retry' })
    if (await retry.isVisible()) await retry.click({ timeout: 2000 }).catch(() => {})
    await saveState(page, 'saved')
    expect((await serverDraft('support-ticket')).document.purpose).toBe('Typed while offline')

    // The same question in Czech.
    await page.selectOption('header select', 'cs')
    await page.context().setOffline(true)
    await retype(page, 'textarea[name="sop-purpose"]', 'Psáno offline')
    await page.getByRole('link', { name: 'Přehled' }).click()
    await page.waitForSelector('[data-testid="leave-dialog"]')
    expect(await page.textContent('[data-testid="leave-dialog"]')).toContain('Jste offline')
    await page.getByRole('button', { name: 'Zůstat a ponechat změny' }).click()
    await page.context().setOffline(false)
    const retryCs = page.getByRole('button', { name: 'Zkusit znovu' })
    if (await retryCs.isVisible()) await retryCs.click({ timeout: 2000 }).catch(() => {})
    await saveState(page, 'saved')
    await page.selectOption('header select', 'en')
  })

  it('autosaves a pause after the last change and shows unsaved, saving and saved', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await h.shot('safety-state-saved')
    // Slow the save down so that "saving" can be seen.
    await page.route('**/api/sops/support-ticket', async (route) => {
      if (route.request().method() === 'PUT') await new Promise((r) => setTimeout(r, 1500))
      await route.continue()
    })
    await sopPanel(page)
    await retype(page, 'input[name="sop-department"]', 'Autosaved department')
    await saveState(page, 'unsaved', 1000)
    expect(await page.textContent('[data-testid="save-status"]')).toContain('Unsaved changes')
    await h.shot('safety-state-unsaved')
    await saveState(page, 'saving')
    await h.shot('safety-state-saving')
    await saveState(page, 'saved')
    await page.unroute('**/api/sops/support-ticket')
    expect((await serverDraft('support-ticket')).document.department).toBe('Autosaved department')
  })

  it('Ctrl+S in a text field saves at once and keeps the browser from saving the page', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await page.evaluate(() => {
      ;(window as unknown as { saveKeys: boolean[] }).saveKeys = []
      window.addEventListener('keydown', (e) => {
        // Read once every listener has run: was the browser's own "save page" prevented?
        if (e.ctrlKey && e.key === 's')
          setTimeout(() => (window as unknown as { saveKeys: boolean[] }).saveKeys.push(e.defaultPrevented))
      })
    })
    await page.locator('.react-flow__node', { hasText: 'Diagnose and resolve' }).first().click()
    await retype(page, 'input[name="step-title"]', 'Diagnose, then resolve')
    const put = page.waitForRequest(
      (r) => r.method() === 'PUT' && r.url().endsWith('/api/sops/support-ticket'),
    )
    const pressed = Date.now()
    await page.keyboard.press('Control+s')
    await put
    // Sent on the key press, not by the autosave 1.5 s after the last change.
    expect(Date.now() - pressed).toBeLessThan(1000)
    await saveState(page, 'saved')
    expect(await page.evaluate(() => (window as unknown as { saveKeys: boolean[] }).saveKeys)).toEqual([true])
    const { document } = await serverDraft('support-ticket')
    expect(document.steps.find((s) => s.id === 'diagnose')?.title).toBe('Diagnose, then resolve')
  })

  it('two tabs on one draft: the later save gets a conflict, and both "keep mine" and "reload theirs" work', async () => {
    // Two tabs: two pages of one browser context, signed in once.
    const context = await h.browser.newContext({
      viewport: { width: 1440, height: 900 },
      baseURL: h.server.url,
    })
    const a = await context.newPage()
    await signIn(a, owner, '#/designer')
    await a.waitForSelector('.sop-list')
    await open(a, 'complaint-handling')
    const b = await context.newPage()
    await open(b, 'complaint-handling')

    await sopPanel(a)
    await retype(a, 'input[name="sop-title"]', 'Title from tab A')
    await a.keyboard.press('Control+s')
    await saveState(a, 'saved')

    await b.locator('.react-flow__node', { hasText: 'Tiếp nhận khiếu nại' }).first().click()
    await retype(b, 'input[name="step-title"]', 'Step renamed in tab B')
    await b.keyboard.press('Control+s')
    await b.waitForSelector('[data-testid="conflict-dialog"] [data-testid="conflict-diff"]')
    const listed = await b.textContent('[data-testid="conflict-diff"]')
    expect(listed).toContain('SOP field "Title" differs')
    await b.screenshot({ path: join(SHOTS, 'safety-conflict-dialog.png') })
    await b.getByRole('button', { name: /Keep mine/ }).click()
    await saveState(b, 'saved')
    let stored = await serverDraft('complaint-handling')
    expect(stored.document.steps.find((s) => s.title === 'Step renamed in tab B')).toBeTruthy()
    expect(stored.document.title).not.toBe('Title from tab A')

    // Tab A is now behind: its next save is refused too, and it takes B's draft.
    await sopPanel(a)
    await retype(a, 'input[name="sop-department"]', 'Department from tab A')
    await a.keyboard.press('Control+s')
    await a.waitForSelector('[data-testid="conflict-dialog"] [data-testid="conflict-diff"]')
    await a.getByRole('button', { name: /Reload theirs/ }).click()
    await a.waitForSelector('[data-testid="conflict-dialog"]', { state: 'detached' })
    await a.waitForSelector('.react-flow__node:has-text("Step renamed in tab B")')
    await saveState(a, 'saved')
    expect((await serverDraft('complaint-handling')).document.department).not.toBe('Department from tab A')
    // And saves normally from there on.
    await sopPanel(a)
    await retype(a, 'input[name="sop-department"]', 'Department after reloading')
    await a.keyboard.press('Control+s')
    await saveState(a, 'saved')
    stored = await serverDraft('complaint-handling')
    expect(stored.document.department).toBe('Department after reloading')
    expect(stored.document.steps.find((s) => s.title === 'Step renamed in tab B')).toBeTruthy()
    await context.close()
  })

  it("typing a, b, c into a choice field's option rows gives three options, and a guard on one validates", async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await sopPanel(page)
    const n = (await serverDraft('support-ticket')).document.fields.length
    await page.click('button[name="add-field"]')
    await retype(page, `input[name="field-name-${n}"]`, 'impact')
    await page.selectOption(`select[name="field-type-${n}"]`, 'choice')
    await retype(page, `input[name="field-${n}-option-value-0"]`, 'a')
    // Enter adds the next row and puts the cursor in it (typed once it is there, as a person would).
    await page.keyboard.press('Enter')
    await page.waitForSelector(`input[name="field-${n}-option-value-1"]:focus`)
    await page.keyboard.type('b')
    await page.keyboard.press('Enter')
    await page.waitForSelector(`input[name="field-${n}-option-value-2"]:focus`)
    await page.keyboard.type('c')
    await retype(page, `input[name="field-${n}-option-label-1"]`, 'b, urgent, p1')
    expect(await page.inputValue(`input[name="field-${n}-option-label-1"]`)).toBe('b, urgent, p1')
    await h.shot('safety-option-rows')
    await page.locator('.edge-label', { hasText: 'High severity' }).click()
    await retype(page, 'input[name="transition-guard"]', 'ticket.impact == "b"')
    await page.waitForSelector('text=Condition is valid')
    expect(await page.locator('[data-testid="guard-error"]').count()).toBe(0)
    await page.keyboard.press('Control+s')
    await saveState(page, 'saved')
    await expect
      .poll(
        async () =>
          (await serverDraft('support-ticket')).document.transitions.find((t) => t.id === 't_high')?.guard,
      )
      .toBe('ticket.impact == "b"')
    const { document } = await serverDraft('support-ticket')
    expect(document.fields.find((f) => f.name === 'impact')?.options).toEqual([
      { value: 'a', label: 'a' },
      { value: 'b', label: 'b, urgent, p1' },
      { value: 'c', label: 'c' },
    ])
    expect(document.transitions.find((t) => t.id === 't_high')?.guard).toBe('ticket.impact == "b"')
  })

  it('a malformed or invalid import shows what is wrong in the reader language and changes nothing', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    const before = await serverDraft('support-ticket')
    const nodes = await page.locator('.react-flow__node').count()
    await page.selectOption('header select', 'cs')
    // Picks a file in the Import button's file input (the browser's own file dialog is not drawn).
    const choose = async (where: string, name: string, text: string) =>
      page
        .locator(`${where} label.button input[type="file"]`)
        .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) })
    await choose('.toolbar', 'broken.json', '{\n  "title": "x",\n  oops\n}')
    await page.waitForSelector('[data-testid="import-error"]')
    expect(await page.textContent('[data-testid="import-error"]')).toContain(
      'Soubor „broken.json“ nebyl importován. Není to platný JSON: chyba je na řádku 3, sloupci 3.',
    )
    await h.shot('safety-import-malformed')
    expect(await page.locator('.react-flow__node').count()).toBe(nodes)
    await saveState(page, 'saved')
    expect((await serverDraft('support-ticket')).revision).toBe(before.revision)

    // On the SOP list: a JSON file that is not an SOP lists the validator's diagnostics.
    await page.getByRole('link', { name: '←' }).click()
    await page.waitForSelector('.sop-list tbody tr')
    const listed = await page.locator('.sop-list tbody tr').count()
    await choose('.sop-list', 'not-a-sop.json', JSON.stringify({ id: 'x', steps: 'none' }))
    await page.waitForSelector('[data-testid="import-diagnostics"] li')
    expect(await page.textContent('[data-testid="import-error"]')).toMatch(/Není to platný SOP: \d+ problém/)
    expect(await page.locator('.sop-list tbody tr').count()).toBe(listed)
    await page.selectOption('header select', 'en')
  })

  it('prints a chosen published version and says which', async () => {
    const { page } = h
    await page.selectOption('header select', 'en')
    await page.goto(`${h.server.url}/#/designer/support-ticket/print`)
    await page.waitForSelector('[data-testid="print-which"]')
    expect(await page.textContent('[data-testid="print-which"]')).toMatch(/^Draft, revision \d+/)
    await page.selectOption('select[name="print-version"]', '1')
    await page.waitForSelector('[data-testid="print-which"]:has-text("Version 1, published")')
    expect(page.url()).toContain('#/designer/support-ticket/print?version=1')
    expect(await page.textContent('.print-view h1')).toBe('Support ticket: from first contact to resolution')
    await h.shot('safety-print-version')
  })

  it('a disabled Publish says how many errors and reveals the first', async () => {
    const { page } = h
    await open(page, 'support-ticket')
    await page.locator('.react-flow__node', { hasText: 'Closed: no response' }).first().click()
    await page.locator('select[name="step-outcome"]').selectOption('')
    await page.waitForSelector('[data-testid="publish-blocked"]')
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true)
    expect(await page.textContent('[data-testid="publish-blocked"]')).toContain('1 error to fix first')
    await sopPanel(page)
    await page.getByRole('button', { name: 'Show the first' }).click()
    expect(await page.inputValue('input[name="step-title"]')).toBe('Closed: no response')
    await h.shot('safety-publish-blocked')
  })
})
