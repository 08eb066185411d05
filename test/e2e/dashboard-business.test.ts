import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'
import { createUser, SHOTS, signIn } from './harness.ts'

/**
 * The dashboard's business-time panel in Chromium: two tickets opened two days ago on an SOP with
 * a first-reply target; one answered at once, the other breaches when the server's clock (set
 * back while they were opened) comes to the present and its timers fire.
 */
const DAY = 86_400_000
let offset = -2 * DAY
let server: RunningServer
let browser: Browser
let page: Page
let supervisor = ''
let lateId = ''

const helpDesk = {
  schema: 'sopflow/v1',
  id: 'help_desk',
  title: 'Help desk',
  department: 'Care',
  purpose: 'Answer within the help desk policy.',
  calendar: 'always_open',
  policy: {
    targets: [
      {
        metric: 'first_reply',
        due: 'PT1H',
        time: 'business',
        notify: 'supervisor',
        warnAt: 0.5,
        warnNotify: 'supervisor',
      },
      { metric: 'resolution', due: 'P7D', time: 'business', notify: 'supervisor' },
    ],
  },
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
  ],
  transitions: [{ id: 'resolve', from: 'work', to: 'done', action: 'resolve', reply: true }],
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = (await res.json()) as any
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`)
  return json
}

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-e2e-'))
  server = await startServer({
    dbPath: join(dir, 'e2e.sqlite'),
    port: 0,
    timerIntervalMs: 200,
    seedExamples: false,
    clock: () => new Date(Date.now() + offset),
  })
  const admin = server.adminToken
  await api(admin, 'PUT', '/calendars/always_open', { title: 'Always open', timeZone: 'UTC', always: true })
  await api(admin, 'POST', '/sops', { document: helpDesk })
  await api(admin, 'POST', '/sops/help_desk/publish')
  const agent = await createUser(server.url, admin, 'Lan Nguyễn', 'agent')
  supervisor = await createUser(server.url, admin, 'Minh Supervisor', 'supervisor')
  const open = () => api(agent, 'POST', '/tickets', { sopId: 'help_desk', channel: 'phone', subject: 'Help' })
  const quick = await open()
  const late = await open()
  await api(agent, 'POST', `/tickets/${quick.ticket.id}/actions`, { action: 'resolve', version: 1 })
  lateId = late.ticket.id
  offset = 0 // the late ticket's first reply is long overdue now
  const deadline = Date.now() + 20_000
  for (;;) {
    const history = (await api(agent, 'GET', `/tickets/${late.ticket.id}/history`)) as { type: string }[]
    if (history.filter((a) => a.type === 'timer').length === 2) break
    if (Date.now() > deadline) throw new Error('the first-reply breach never fired')
    await new Promise((r) => setTimeout(r, 100))
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: server.url })
  page.on('pageerror', (e) => console.error('page error:', e.message))
  mkdirSync(SHOTS, { recursive: true })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const cells = (metric: string) =>
  page.$$eval(`[data-policy="${metric}"] td`, (els) => els.map((e) => (e.textContent ?? '').trim()))

describe('the dashboard in business time', () => {
  it('shows the breach rate per policy target and business-time figures, in three languages', async () => {
    await signIn(page, supervisor, '#/dashboard')
    // The figures come from the metrics worker thread, which compiles each SOP with its pinned calendars.
    const figures = await api(supervisor, 'GET', '/metrics')
    expect(figures.policy.first_reply).toEqual({ tickets: 2, breached: 1, rate: 0.5 })
    await page.waitForSelector('[data-policy="first_reply"]')
    expect(await cells('first_reply')).toEqual(['First reply', '2', '1', '50 %'])
    expect(await cells('resolution')).toEqual(['Resolution', '2', '0', '0 %'])
    expect(await cells('next_reply')).toEqual(['Next reply', '0', '0', '—'])
    expect(await page.textContent('[data-figure="business-frt"]')).not.toBe('—')
    for (const lang of ['vi', 'cs', 'en']) {
      await page.setViewportSize({ width: 1440, height: 900 })
      await page.selectOption('.shell-lang select', lang)
      await page.waitForSelector('[data-panel="business-time"]')
      await page.locator('[data-panel="business-time"]').scrollIntoViewIfNeeded()
      await shot(`dashboard-business-${lang}-1440`)
      await page.setViewportSize({ width: 390, height: 844 })
      await page.locator('[data-panel="business-time"]').scrollIntoViewIfNeeded()
      await shot(`dashboard-business-${lang}-390`)
    }
    expect(await page.textContent('[data-panel="business-time"] h3')).toBe('Business time and policy targets')
    // The warning at 50 % reached the supervisor's bell, worded in the reader's language.
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.click('.bell-button')
    const warning = page.locator('.bell-list li', { hasText: 'of the way' })
    await warning.waitFor()
    expect(await warning.textContent()).toContain('“Help” is 50 % of the way to its first reply target')
    await page.selectOption('.shell-lang select', 'cs')
    if (!(await page.locator('.bell-list').isVisible())) await page.click('.bell-button')
    expect(await page.locator('.bell-list').textContent()).toContain('vyčerpal 50 % cíle první odpovědi')
    await page.selectOption('.shell-lang select', 'en')
    // The ticket's audit timeline names the warning, not a timer that ran out.
    await page.goto(`/#/audit/${lateId}`)
    await page.waitForSelector('.audit-timeline li')
    const timeline = await page.locator('.audit-timeline').textContent()
    expect(timeline).toContain('Warning: 50 % of the “First reply” target has passed')
    expect(timeline).not.toContain('Time ran out')
    await shot('audit-warning-en-1440')
  }, 60_000)
})
