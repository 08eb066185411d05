import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ParsedMail, simpleParser } from 'mailparser'
import { type Browser, chromium } from 'playwright-core'
import { SMTPServer } from 'smtp-server'
import { afterAll, describe, expect, it } from 'vitest'
import { importSop, type RunningServer, startServer } from '../../server/start.ts'
import { signIn } from './harness.ts'

const FAST_SOP = {
  schema: 'sopflow/v1',
  id: 'fast-sla',
  title: 'Fast SLA',
  department: 'Support',
  purpose: 'A step whose SLA falls due within a second, escalating to a supervisor review.',
  fields: [{ name: 'note', label: 'Note', type: 'text' }],
  initial: 'work',
  steps: [
    {
      id: 'work',
      kind: 'task',
      title: 'Work',
      roles: ['agent'],
      sla: { due: 'PT1S', escalateTo: 'review', notify: 'supervisor' },
    },
    { id: 'review', kind: 'task', title: 'Review', roles: ['supervisor'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
    { id: 'reviewed', from: 'review', to: 'done', action: 'reviewed', label: 'Reviewed' },
  ],
}

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

let server: RunningServer | undefined
let browser: Browser | undefined
let mta: SMTPServer | undefined
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await new Promise<void>((ok) => (mta ? mta.close(() => ok()) : ok()))
})

describe('notifications to the team', () => {
  it('an SLA breach updates the supervisor’s bell live, e-mails the supervisor, and puts the ticket in the supervisor queue', async () => {
    const mails: ParsedMail[] = []
    mta = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m)
          cb()
        }, cb)
      },
    })
    await new Promise<void>((ok) => mta!.listen(0, '127.0.0.1', ok))
    const relay = `smtp://127.0.0.1:${(mta.server.address() as AddressInfo).port}`
    const dbPath = join(mkdtempSync(join(tmpdir(), 'sopflow-e2e-notify-')), 'db.sqlite')
    server = await startServer({
      dbPath,
      port: 0,
      timerIntervalMs: 200,
      seedExamples: false,
      smtpRelay: relay,
      mailFrom: 'sopflow <desk@shop.example>',
      outbox: { intervalMs: 100 },
    })
    const admin = (await server.storage.listUsers())[0]
    await importSop(server.storage, FAST_SOP, admin.id, new Date().toISOString())
    const supervisor = await api(server.url, server.adminToken, 'POST', '/users', {
      name: 'Hoa',
      role: 'supervisor',
    })
    const agent = await api(server.url, server.adminToken, 'POST', '/users', { name: 'Minh', role: 'agent' })
    const settings = await api(server.url, supervisor.body.token, 'PUT', '/notifications/settings', {
      email: 'hoa@shop.example',
      emailOn: true,
    })
    expect(settings.status).toBe(200)

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, baseURL: server.url })
    await signIn(page, supervisor.body.token)
    const count = page.getByTestId('bell-count')
    await expect.poll(() => count.textContent(), { timeout: 10_000 }).toBe('0')

    // The agent opens a ticket nobody holds; its SLA falls due a second later.
    const created = await api(server.url, agent.body.token, 'POST', '/tickets', {
      sopId: 'fast-sla',
      channel: 'phone',
      subject: 'Router keeps rebooting',
    })
    expect(created.status).toBe(201)
    const id = created.body.ticket.id as string
    // Live: the count changes without a reload.
    await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('1')
    await page.getByRole('button', { name: /Notifications, 1 unread/ }).click()
    const link = page.getByRole('link', { name: /“Router keeps rebooting” was escalated to you/ })
    expect(await link.getAttribute('href')).toBe(`#/tickets/${id}`)

    await expect.poll(() => mails.length, { timeout: 15_000 }).toBe(1)
    expect(mails[0].to && !Array.isArray(mails[0].to) && mails[0].to.text).toBe('hoa@shop.example')
    expect(mails[0].subject).toBe(`[${id}] Escalated to you: Router keeps rebooting`)

    const queue = await api(server.url, supervisor.body.token, 'GET', '/tickets?queue=supervisor')
    expect(queue.body.map((t: { id: string }) => t.id)).toEqual([id])
    expect(queue.body[0].steps).toEqual(['review'])
    expect([queue.body[0].queue, queue.body[0].assigneeId]).toEqual(['supervisor', null])
  }, 90_000)
})
