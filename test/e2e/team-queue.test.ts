import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>

const sop = {
  schema: 'sopflow/v1',
  id: 'routed',
  title: 'Routed enquiry',
  department: 'Support',
  purpose: 'An enquiry is triaged, then handled by the team responsible for it.',
  fields: [],
  initial: 'triage',
  steps: [
    { id: 'triage', kind: 'task', title: 'Triage', roles: ['agent'] },
    { id: 'bill', kind: 'task', title: 'Correct the bill', roles: ['agent'], team: 'billing' },
    { id: 'expert', kind: 'task', title: 'Expert review', roles: ['senior_agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'to_billing', from: 'triage', to: 'bill', action: 'to_billing', label: 'Billing' },
    { id: 'billed', from: 'bill', to: 'done', action: 'billed', label: 'Corrected' },
    { id: 'to_expert', from: 'triage', to: 'expert', action: 'to_expert', label: 'Expert' },
    { id: 'reviewed', from: 'expert', to: 'done', action: 'reviewed', label: 'Reviewed' },
  ],
}

const call = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${h.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await res.json()) as any
}

let billing = ''
let hanoi = ''

beforeAll(async () => {
  h = await launch()
  await call(h.adminToken, 'POST', '/api/teams', { id: 'billing', name: 'Billing' })
  billing = await createUser(h.server.url, h.adminToken, 'Hana Nováková', 'agent', 'billing')
  hanoi = await createUser(h.server.url, h.adminToken, 'Trần Văn Minh', 'agent', 'hanoi')
  await call(h.adminToken, 'POST', '/api/sops', { document: sop })
  await call(h.adminToken, 'POST', `/api/sops/${sop.id}/publish`)
  const made = await call(hanoi, 'POST', '/api/tickets', {
    sopId: sop.id,
    channel: 'email',
    subject: 'Charged twice',
  })
  await call(hanoi, 'POST', `/api/tickets/${made.ticket.id}/actions`, {
    action: 'to_billing',
    version: made.ticket.version,
  })
  await call(hanoi, 'POST', '/api/tickets', { sopId: sop.id, channel: 'phone', subject: 'Not sorted yet' })
  // Unassigned and readable by every agent, but senior agents' work: in no agent's queue.
  const expert = await call(hanoi, 'POST', '/api/tickets', {
    sopId: sop.id,
    channel: 'chat',
    subject: 'Needs an expert',
  })
  await call(hanoi, 'POST', `/api/tickets/${expert.ticket.id}/actions`, {
    action: 'to_expert',
    version: expert.ticket.version,
  })
})
afterAll(async () => h?.close())

/** The subjects in the queue tab, once it is open. */
async function queue(token: string, tab: string) {
  const page = h.page
  await signIn(page, token, '#/inbox')
  await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click()
  return page
}

describe("the desk's queue tab", () => {
  it("shows a billing agent the billing team's ticket and the unteamed one, and a Hanoi agent only the unteamed one their role may do", async () => {
    const page = await queue(billing, 'Queue: Billing')
    await page.locator('tbody tr', { hasText: 'Charged twice' }).waitFor()
    await page.locator('tbody tr', { hasText: 'Not sorted yet' }).waitFor()
    expect(await page.locator('.tabs [aria-selected="true"] .count').textContent()).toBe('2')
    await page.screenshot({ path: join(SHOTS, 'desk-team-queue-1440.png'), fullPage: true })

    await queue(hanoi, 'Queue: hanoi')
    await page.locator('tbody tr', { hasText: 'Not sorted yet' }).waitFor()
    expect(await page.locator('.tabs [aria-selected="true"] .count').textContent()).toBe('1')
    expect(await page.locator('tbody tr', { hasText: 'Charged twice' }).count()).toBe(0)
    expect(await page.locator('tbody tr', { hasText: 'Needs an expert' }).count()).toBe(0)
    // The unassigned tab has it: the queue is the work one may take, not all that nobody holds.
    await page.getByRole('tab', { name: /^Unassigned/ }).click()
    await page.locator('tbody tr', { hasText: 'Needs an expert' }).waitFor()
  })
})
