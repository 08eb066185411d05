import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let agent = ''
beforeAll(async () => {
  h = await launch()
  agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
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

describe('watching a ticket on the desk', () => {
  it('the agent watches a ticket with the button, sees their name among the watchers, and stops again', async () => {
    const v = await api(agent, 'POST', '/tickets', {
      sopId: 'support-ticket',
      channel: 'email',
      subject: 'Hoàn tiền chậm',
    })
    const id = v.ticket.id as string
    await signIn(h.page, agent, `#/tickets/${id}`)
    await h.page.waitForSelector('[data-testid="watchers"]')
    expect(await h.page.textContent('[data-testid="watchers"]')).toContain('Nobody watches this ticket.')
    await h.page.click('[data-testid="watch-toggle"]')
    await h.page.waitForSelector('[data-testid="watch-toggle"][aria-pressed="true"]')
    expect(await h.page.textContent('.watcher-list')).toContain('Lan Nguyễn')
    const watchers = await api(agent, 'GET', `/tickets/${id}/watchers`)
    expect(watchers.map((w: any) => w.name)).toEqual(['Lan Nguyễn'])
    await h.page.locator('[data-testid="watchers"]').screenshot({ path: join(SHOTS, 'watchers-en.png') })
    await h.page.click('[data-testid="watch-toggle"]')
    await h.page.waitForSelector('[data-testid="watch-toggle"][aria-pressed="false"]')
    expect(await api(agent, 'GET', `/tickets/${id}/watchers`)).toEqual([])
  }, 60_000)
})
