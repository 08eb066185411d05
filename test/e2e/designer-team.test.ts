import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let owner = ''
const fixture = () =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'))

beforeAll(async () => {
  h = await launch()
  owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
})
afterAll(async () => h?.close())

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

describe("a step's responsible team and organisation roles in the designer, in Chromium", () => {
  it('offers the organisation roles in the role picker and saves the team picked for a step', async () => {
    await api(h.adminToken, 'POST', '/teams', { id: 'billing', name: 'Billing' })
    await api(h.adminToken, 'POST', '/roles', { name: 'billing_specialist', label: 'Billing specialist' })
    await api(owner, 'POST', '/sops', { document: { ...fixture(), id: 'team-pick' } })
    const { page } = h
    await signIn(page, owner, '#/designer/team-pick')
    await page.goto('/#/designer/team-pick')
    await page.waitForSelector('.react-flow__node')
    await page.locator('.react-flow__controls-fitview').click()
    await page.locator('.react-flow__node', { hasText: 'Receive the request' }).first().click()
    const form = page.getByRole('form', { name: 'Step' })
    const team = form.getByLabel('Responsible team')
    await team.locator('option', { hasText: 'Billing' }).waitFor({ state: 'attached' })
    expect(await team.locator('option').allTextContents()).toEqual(['Any team', 'Billing', 'hanoi'])
    await team.selectOption({ label: 'Billing' })
    expect(await form.getByText('billing_specialist').count()).toBeGreaterThan(0)
    await page.getByRole('button', { name: /Save draft/ }).click()
    await page.waitForSelector('[data-testid="designer-message"]:has-text("Draft saved")')
    const saved = (await api(owner, 'GET', '/sops/team-pick')).document
    expect(saved.steps.find((s: { id: string }) => s.id === 'intake').team).toBe('billing')
  }, 60_000)
})
