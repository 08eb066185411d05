import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
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

describe('a ticket another agent has, in Chromium', () => {
  it('shows read-only with "assigned to …": no claim, no fields, ticks, actions or notes to write', async () => {
    const lan = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
    const binh = await createUser(h.server.url, h.adminToken, 'Bình Trần', 'agent')
    const created = await api(lan, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'Charged twice',
      assignToMe: true,
    })
    const id = created.ticket.id as string
    await signIn(h.page, binh, `#/tickets/${id}`)
    await h.page.goto(`/#/tickets/${id}`)
    const banner = h.page.getByTestId('assigned-elsewhere')
    await banner.waitFor()
    expect(await banner.textContent()).toBe('Assigned to Lan Nguyễn (read only)')
    const layout = h.page.locator('.ticket-layout')
    expect(await h.page.getByRole('button', { name: 'Take this ticket' }).count()).toBe(0)
    expect(await layout.locator('input:not([disabled]), textarea:not([disabled])').count()).toBe(0)
    expect(await layout.locator('#action-bar button:not([disabled])').count()).toBe(0)
    await h.shot('ticket-assigned-elsewhere')

    // The assignee sees the same ticket to work.
    await signIn(h.page, lan, `#/tickets/${id}`)
    await h.page.goto(`/#/tickets/${id}`)
    await h.page.locator('.ticket-layout input:not([disabled])').first().waitFor()
    expect(await h.page.getByTestId('assigned-elsewhere').count()).toBe(0)
  }, 60_000)
})
