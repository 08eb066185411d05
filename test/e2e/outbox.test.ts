import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { importSop, type RunningServer, startServer } from '../../server/start.ts'
import { example } from '../server/helpers.ts'
import { webhookReceiver } from '../server/webhookReceiver.ts'
import { signIn } from './harness.ts'

let server: RunningServer | undefined
let browser: Browser | undefined
const closing: (() => Promise<void>)[] = []
afterAll(async () => {
  await browser?.close()
  await server?.close()
  for (const c of closing) await c()
})

describe('the outbox page', () => {
  it('shows a failed webhook with its reason, retries it, and keeps a refused URL in the form with the reason, and subscribes to ticket.sla_warning from the form', async () => {
    let answer = 503
    const receiver = await webhookReceiver(() => answer)
    closing.push(receiver.close)
    const dbPath = join(mkdtempSync(join(tmpdir(), 'sopflow-e2e-outbox-')), 'db.sqlite')
    // Give up at the first failure, so that the test sees a failed message at once.
    server = await startServer({
      dbPath,
      port: 0,
      seedExamples: false,
      outbox: { intervalMs: 100, giveUpMs: 0 },
    })
    const admin = (await server.storage.listUsers())[0]
    await importSop(server.storage, example('support-ticket'), admin.id, new Date().toISOString())
    const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }
    const sub = await fetch(`${server.url}/api/webhooks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: receiver.url, events: ['ticket.created'], allowPrivate: true }),
    })
    expect(sub.status).toBe(201)
    const agent = await (
      await fetch(`${server.url}/api/users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'A', role: 'agent' }),
      })
    ).json()
    await fetch(`${server.url}/api/tickets`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${agent.token}` },
      body: JSON.stringify({ sopId: 'support-ticket', channel: 'chat', subject: 'Hello' }),
    })
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1)

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, baseURL: server.url })
    await signIn(page, server.adminToken, '#/outbox')
    await page.getByRole('link', { name: 'Outbox' }).click()
    const failed = page.locator('tr[data-status="failed"]')
    await failed.waitFor({ timeout: 10_000 })
    expect(await failed.textContent()).toContain('Gave up after 1 attempt(s): The receiver answered 503')
    await expect.poll(() => page.getByRole('button', { name: 'Failed: 1' }).count()).toBe(1)
    answer = 200
    await failed.getByRole('button', { name: 'Retry' }).click()
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2)
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id'])
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: /^Sent: / }).click()
          return page.locator('tr[data-status="sent"]').count()
        },
        { timeout: 10_000 },
      )
      .toBe(1)

    await page.fill('input[name="url"]', 'http://10.0.0.5/hook')
    await page.getByRole('button', { name: 'Subscribe' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('http://10.0.0.5/hook')
    expect(await page.inputValue('input[name="url"]')).toBe('http://10.0.0.5/hook')

    // The form offers the policy targets' warning event, and subscribes to it.
    await page.fill('input[name="url"]', receiver.url)
    await page.getByRole('checkbox', { name: 'ticket.sla_warning' }).check()
    await page.locator('.webhook-form > label.small input[type="checkbox"]').check()
    await page.getByRole('button', { name: 'Subscribe' }).click()
    const base = server.url
    await expect
      .poll(async () => {
        const res = await fetch(`${base}/api/webhooks`, { headers })
        const subs = (await res.json()) as { url: string; events: string[] }[]
        return subs.filter((x) => x.events.includes('ticket.sla_warning')).map((x) => x.events)
      })
      .toEqual([['ticket.created', 'ticket.sla_warning']])
  }, 90_000)
})
