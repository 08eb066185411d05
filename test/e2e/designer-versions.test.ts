import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

const stepNode = (title: string) => h.page.locator('.react-flow__node', { hasText: title }).first()

describe('versions, clipboard, languages and export in the designer', () => {
  it('copies a step into another SOP, publishes a change, compares two versions, switches language, exports', async () => {
    const { page } = h
    const owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
    await signIn(page, owner, '#/designer/complaint-handling')
    await page.waitForSelector('.react-flow__node')

    // Copy a step of one SOP and paste it into another.
    await stepNode('Tiếp nhận khiếu nại').click()
    await page.keyboard.press('Control+c')
    await page.goto(`${h.server.url}/#/designer`)
    await page.fill('input[name="new-sop-title"]', 'Clipboard target')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.waitForSelector('[data-testid="canvas"]')
    const before = await page.locator('.react-flow__node').count()
    await page.locator('.react-flow__pane').click({ position: { x: 300, y: 300 } })
    await page.keyboard.press('Control+v')
    await page.waitForSelector('.react-flow__node:has-text("Tiếp nhận khiếu nại")')
    expect(await page.locator('.react-flow__node').count()).toBe(before + 1)

    // Change a step of the first SOP and publish it as version 2.
    await page.goto(`${h.server.url}/#/designer/complaint-handling`)
    await page.waitForSelector('.react-flow__node')
    await stepNode('Lỗi do ai?').click()
    await page.fill('input[name="step-title"]', 'Lỗi do ai gây ra?')
    await page.getByRole('button', { name: 'Publish' }).click()
    await page.waitForSelector('[data-testid="designer-message"]:has-text("Published version 2")')

    // Compare version 1 with version 2: the change is listed, and marked on v2's flowchart.
    await page.getByRole('tab', { name: 'Versions' }).click()
    await page.selectOption('select[name="compare-from"]', '1')
    await page.selectOption('select[name="compare-to"]', '2')
    await page.getByRole('button', { name: 'Compare', exact: true }).click()
    await page.waitForSelector('[data-testid="diff"]')
    const listed = await page.textContent('[data-testid="diff"]')
    expect(listed).toContain('Changes from v1 to v2')
    expect(listed).toContain('changed step Lỗi do ai gây ra?')
    expect(listed).toContain('title Lỗi do ai? → Lỗi do ai gây ra?')
    await page.waitForSelector('[data-testid="compared-version"] .react-flow__node')
    const marked = page.locator('[data-testid="compared-version"] .react-flow__node', {
      hasText: 'Lỗi do ai gây ra?',
    })
    expect(await marked.locator('.step-badge').textContent()).toBe('changed')
    await h.shot('16-designer-versions-compared')
    await page.getByRole('button', { name: 'Back to the draft' }).click()
    await page.waitForSelector('[data-testid="canvas"]')

    // The designer speaks Vietnamese and Czech; the SOP's own text stays as written.
    await page.selectOption('header select', 'vi')
    await page.waitForSelector('button:has-text("Phát hành")')
    await page.waitForSelector('.react-flow__node:has-text("Lỗi do ai gây ra?")')
    await h.shot('17-designer-vietnamese')
    await page.selectOption('header select', 'cs')
    await page.waitForSelector('button:has-text("Publikovat")')
    await page.selectOption('header select', 'en')
    await page.waitForSelector('button:has-text("Publish")')

    // Export gives the document as JSON, exactly as the server holds it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Export/ }).click(),
    ])
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    const stored = await page.evaluate(async () => {
      const r = await fetch('/api/sops/complaint-handling', {
        headers: { authorization: `Bearer ${localStorage.getItem('sopflow.token')}` },
      })
      return (await r.json()).document
    })
    expect(exported).toEqual(stored)
    expect(exported.steps.find((s: { id: string }) => s.id === 'phan_loai').title).toBe('Lỗi do ai gây ra?')
  })
})
