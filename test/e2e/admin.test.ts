import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let ctx: BrowserContext
let page: Page
let agent = ''

const me = async (token: string) => {
  const res = await fetch(`${h.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as { code?: string; role?: string } }
}

/** No part of the page is wider than the screen (tables scroll inside their own box). */
const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

beforeAll(async () => {
  h = await launch()
  agent = await createUser(h.server.url, h.adminToken, 'Trần Văn Minh', 'agent')
  ctx = await h.browser.newContext({
    viewport: { width: 1440, height: 900 },
    baseURL: h.server.url,
    permissions: ['clipboard-read', 'clipboard-write'],
  })
  page = await ctx.newPage()
  page.on('pageerror', (e) => console.error('page error:', e.message))
})
afterAll(async () => {
  await ctx?.close()
  await h?.close()
})

describe('administration in the web app', () => {
  it('makes a personal token whose secret is shown once with a copy button, and revokes it', async () => {
    await signIn(page, h.adminToken, '#/tokens')
    const mine = page.locator('[data-section="mine"]')
    await mine.locator('input[name="name"]').fill('nightly export')
    await mine.locator('input[name="mine-scope-read"]').check()
    await mine.locator('button[type="submit"]').click()
    const secret = await mine.getByTestId('token-secret').inputValue()
    expect(secret).toMatch(/^sf_/)
    await mine.getByRole('button', { name: 'Copy', exact: true }).click()
    await mine.getByRole('button', { name: 'Copied', exact: true }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)
    expect((await me(secret)).status).toBe(200)
    await page.screenshot({ path: join(SHOTS, 'admin-token-secret-1440.png'), fullPage: true })

    await mine.getByRole('button', { name: 'I have copied it' }).click()
    expect(await mine.getByTestId('token-secret').count()).toBe(0)
    expect(await page.content()).not.toContain(secret)
    const row = mine.locator('tr', { hasText: 'nightly export' })
    expect(await row.locator('td').nth(1).textContent()).toBe('read')
    await row.getByRole('button', { name: 'Revoke the token nightly export' }).click()
    await row.locator('.pill', { hasText: 'revoked' }).waitFor()
    expect((await me(secret)).body.code).toBe('token_revoked')
  })

  it('keeps what was typed when the server refuses a token, and an admin makes a service token for a user', async () => {
    await signIn(page, h.adminToken, '#/tokens')
    const all = page.locator('[data-section="all"]')
    await all.locator('select[name="userId"]').selectOption({ label: 'Trần Văn Minh' })
    await all.locator('input[name="name"]').fill('zalo channel')
    await all.locator('input[name="all-scope-read"]').uncheck()
    await all.locator('input[name="all-scope-ingest"]').check()
    await all.locator('input[name="expires"]').fill('2001-01-01')
    await all.locator('button[type="submit"]').click()
    await all.locator('[role="alert"]').waitFor()
    expect(await all.locator('input[name="name"]').inputValue()).toBe('zalo channel')
    await all.locator('input[name="expires"]').fill('')
    await all.locator('button[type="submit"]').click()
    const secret = await all.getByTestId('token-secret').inputValue()
    const row = all.locator('tr', { hasText: 'zalo channel' })
    expect(await row.textContent()).toContain('Trần Văn Minh (service)')
    expect(await row.textContent()).toContain('ingest')
    expect((await me(secret)).body.role).toBe('agent')
  })

  it("changes a user's role and disables them: their token is refused at the next request", async () => {
    await signIn(page, h.adminToken, '#/users')
    const row = page.locator('tr', { hasText: 'Trần Văn Minh' })
    await row.getByRole('combobox', { name: 'Role of Trần Văn Minh' }).selectOption('senior_agent')
    await page.locator('[role="status"]', { hasText: 'Trần Văn Minh is now senior agent' }).waitFor()
    expect((await me(agent)).body.role).toBe('senior_agent')
    await row.getByRole('button', { name: 'Disable' }).click()
    await row.locator('.pill.danger').waitFor()
    expect((await me(agent)).body.code).toBe('user_disabled')
    await page.screenshot({ path: join(SHOTS, 'admin-users-1440.png'), fullPage: true })
    await row.getByRole('button', { name: 'Enable' }).click()
    await row.locator('.pill:not(.danger)').waitFor()
    expect((await me(agent)).status).toBe(200)
  })

  it('lists the admin actions for an auditor, newest first, with before and after', async () => {
    const auditor = await createUser(h.server.url, h.adminToken, 'Lê Thị Hà', 'auditor')
    await signIn(page, auditor, '#/admin-log')
    await page.locator('h1', { hasText: 'Admin log' }).waitFor()
    expect(await page.locator('.shell-nav a').allInnerTexts()).toEqual(['Audit', 'Dashboard', 'Admin log'])
    const actions = await page
      .locator('tr[data-action]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))
    expect(actions.slice(0, 5)).toEqual([
      'user.create',
      'user.enable',
      'user.disable',
      'user.role',
      'token.create',
    ])
    const role = page.locator('tr[data-action="user.role"]')
    expect(await role.textContent()).toContain('{"role":"agent"}')
    expect(await role.textContent()).toContain('{"role":"senior_agent"}')
    await page.screenshot({ path: join(SHOTS, 'admin-log-1440.png'), fullPage: true })
  })

  it('offers an agent only their own tokens, and the pages fit a 390 px phone in Vietnamese', async () => {
    await signIn(page, agent, '#/inbox')
    await page.locator('.shell-user a', { hasText: 'My API tokens' }).click()
    await page.locator('[data-section="mine"]').waitFor()
    expect(await page.locator('[data-section="all"]').count()).toBe(0)
    await signIn(page, agent, '#/users')
    await page.waitForFunction(() => location.hash === '#/inbox')

    await page.setViewportSize({ width: 390, height: 844 })
    await signIn(page, h.adminToken, '#/tokens')
    await page.locator('[data-section="all"]').waitFor()
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'vi'))
    await page.reload()
    await page.locator('h1', { hasText: 'Mã API' }).waitFor()
    expect(await fitsWidth()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'admin-tokens-390-vi.png'), fullPage: true })
    await page.goto('/#/users')
    await page.locator('h1', { hasText: 'Người dùng' }).waitFor()
    expect(await fitsWidth()).toBe(true)
    // Each user's controls are on the screen, not beyond a scrolled table's edge.
    const toggle = page
      .locator('tr', { hasText: 'Trần Văn Minh' })
      .locator('td.row-action')
      .getByRole('button', { name: 'Vô hiệu hóa', exact: true })
    const box = (await toggle.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(390)
    expect(await toggle.textContent()).toBe('Vô hiệu hóa')
    await page.screenshot({ path: join(SHOTS, 'admin-users-390-vi.png'), fullPage: true })
    await page.goto('/#/admin-log')
    await page.locator('h1', { hasText: 'Nhật ký quản trị' }).waitFor()
    expect(await fitsWidth()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'admin-log-390-vi.png'), fullPage: true })
  })

  it('names the command line as the actor of a user added with `sopflow user add`', async () => {
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli.ts',
        'user',
        'add',
        '--name',
        'Nguyễn Văn Tú',
        '--role',
        'agent',
        '--db',
        h.dbPath,
      ],
      { cwd: join(import.meta.dirname, '..', '..') },
    )
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
    await signIn(page, h.adminToken, '#/admin-log')
    const row = page.locator('tr[data-action="user.create"]', { hasText: 'Nguyễn Văn Tú' })
    await row.waitFor()
    expect(await row.locator('td').nth(1).innerText()).toBe('The command line (sopflow CLI)')
  })
})
