import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let ctx: BrowserContext
let page: Page

const api = async (path: string) => {
  const res = await fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${h.adminToken}` } })
  return (await res.json()) as any
}
const userNamed = async (name: string) =>
  ((await api('/api/users')) as { name: string; team: string | null; orgRoles: string[]; id: string }[]).find(
    (u) => u.name === name,
  )!
/** No part of the page is wider than the screen. */
const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
const status = (text: string) => page.locator('[role="status"]', { hasText: text }).waitFor()

beforeAll(async () => {
  h = await launch()
  await createUser(h.server.url, h.adminToken, 'Trần Văn Minh', 'agent')
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

describe('teams, organisation roles, invitations and resets in the web app', () => {
  it('creates a team and an organisation role and gives them members; a refused team keeps what was typed', async () => {
    await signIn(page, h.adminToken, '#/teams')
    await page.locator('h1', { hasText: 'Teams and roles' }).waitFor()
    const teamForm = page.getByRole('form', { name: 'New team' })
    await teamForm.locator('input[name="name"]').fill('Billing')
    await teamForm.locator('input[name="id"]').fill('billing')
    await teamForm.getByRole('button', { name: 'Create' }).click()
    await status('Team Billing created.')
    const billing = page.locator('[data-group="billing"]')
    await billing.getByRole('combobox', { name: 'Add someone to Billing' }).selectOption({
      label: 'Trần Văn Minh (leaves hanoi)',
    })
    await billing.getByRole('button', { name: 'Add', exact: true }).click()
    await status('Trần Văn Minh is now in Billing.')
    await billing.locator('li', { hasText: 'Trần Văn Minh' }).waitFor()
    expect((await userNamed('Trần Văn Minh')).team).toBe('billing')

    await teamForm.locator('input[name="name"]').fill('Billing again')
    await teamForm.locator('input[name="id"]').fill('billing')
    await teamForm.getByRole('button', { name: 'Create' }).click()
    await page.locator('[role="alert"]', { hasText: 'A team with id billing exists already.' }).waitFor()
    expect(await teamForm.locator('input[name="name"]').inputValue()).toBe('Billing again')

    const roleForm = page.getByRole('form', { name: 'New organisation role' })
    await roleForm.locator('input[name="name"]').fill('Billing specialist')
    await roleForm.locator('input[name="id"]').fill('billing_specialist')
    await roleForm.getByRole('button', { name: 'Create' }).click()
    await status('Role Billing specialist created.')
    const role = page.locator('[data-group="billing_specialist"]')
    await role.getByRole('combobox', { name: 'Add someone to Billing specialist' }).selectOption({
      label: 'Trần Văn Minh',
    })
    await role.getByRole('button', { name: 'Add', exact: true }).click()
    await status('Trần Văn Minh now holds Billing specialist.')
    expect((await userNamed('Trần Văn Minh')).orgRoles).toEqual(['billing_specialist'])
    await page.screenshot({ path: join(SHOTS, 'people-teams-1440.png'), fullPage: true })

    await role.getByRole('button', { name: 'Remove Trần Văn Minh from Billing specialist' }).click()
    await status('Trần Văn Minh no longer holds Billing specialist.')
    expect((await userNamed('Trần Văn Minh')).orgRoles).toEqual([])
  })

  it('invites a person with a one-time link shown once with a copy button, and forces a reset that voids it', async () => {
    await signIn(page, h.adminToken, '#/users')
    const form = page.getByRole('form', { name: 'Invite a person' })
    await form.locator('input[name="name"]').fill('Nguyễn Thị Mai')
    await form.locator('input[name="email"]').fill('mai@example.com')
    await form.locator('select[name="role"]').selectOption('senior_agent')
    await form.locator('select[name="team"]').selectOption({ label: 'Billing' })
    await form.getByRole('button', { name: 'Invite' }).click()
    const shown = page.getByTestId('one-time-link')
    const url = await shown.inputValue()
    expect(url).toMatch(new RegExp(`^${h.server.url}/#/invite/[\\w-]{43}$`))
    const secret = url.split('/').pop()
    await page.getByRole('button', { name: 'Copy', exact: true }).click()
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url)
    expect((await fetch(`${h.server.url}/api/auth/links/${secret}`)).status).toBe(200)
    expect(await userNamed('Nguyễn Thị Mai')).toMatchObject({ team: 'billing', role: 'senior_agent' })
    await page.screenshot({ path: join(SHOTS, 'people-invite-1440.png'), fullPage: true })
    await page.getByRole('button', { name: 'I have copied it' }).click()
    expect(await shown.count()).toBe(0)
    expect(await page.content()).not.toContain(secret)

    // The same address again: refused, and the form keeps it.
    await form.locator('input[name="name"]').fill('Mai again')
    await form.locator('input[name="email"]').fill('mai@example.com')
    await form.getByRole('button', { name: 'Invite' }).click()
    await page.locator('[role="alert"]', { hasText: 'mai@example.com belongs to another person' }).waitFor()
    expect(await form.locator('input[name="email"]').inputValue()).toBe('mai@example.com')

    const row = page.locator('tr', { hasText: 'Nguyễn Thị Mai' })
    await row.getByRole('button', { name: 'Force a password reset for Nguyễn Thị Mai' }).click()
    const reset = await page.getByTestId('one-time-link').inputValue()
    expect(reset).toMatch(/\/#\/reset\/[\w-]{43}$/)
    await page.locator('h3', { hasText: 'Password reset link for Nguyễn Thị Mai' }).waitFor()
    // A newer link voids the invitation.
    expect((await fetch(`${h.server.url}/api/auth/links/${secret}`)).status).toBe(400)

    await row.getByRole('combobox', { name: 'Team of Nguyễn Thị Mai' }).selectOption({ label: 'No team' })
    await status('Saved: Nguyễn Thị Mai is now in team No team.')
    expect((await userNamed('Nguyễn Thị Mai')).team).toBeNull()
  })

  it('lists each of these changes in the admin log, with who did it', async () => {
    await signIn(page, h.adminToken, '#/admin-log')
    await page.locator('h1', { hasText: 'Admin log' }).waitFor()
    const actions = await page
      .locator('tr[data-action]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))
    expect(actions.slice(0, 9)).toEqual([
      'user.team',
      'user.password-reset',
      'user.invite',
      'user.org-roles',
      'user.org-roles',
      'role.create',
      'user.team',
      'team.create',
      'user.create',
    ])
    const invite = page.locator('tr[data-action="user.invite"]')
    expect(await invite.textContent()).toContain('invited a person')
    expect(await invite.textContent()).toContain('mai@example.com')
  })

  it('shows the Teams and roles page at 1440 px in Vietnamese and Czech, and fits a 390 px phone', async () => {
    for (const [lang, title] of [
      ['vi', 'Nhóm và vai trò'],
      ['cs', 'Týmy a role'],
    ]) {
      await signIn(page, h.adminToken, '#/teams')
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.reload()
      await page.locator('h1', { hasText: title }).waitFor()
      await page.locator('[data-group="billing"] li').first().waitFor()
      expect(await fitsWidth()).toBe(true)
      await page.screenshot({ path: join(SHOTS, `people-teams-1440-${lang}.png`), fullPage: true })
    }
    await page.setViewportSize({ width: 390, height: 844 })
    for (const [lang, title, users] of [
      ['vi', 'Nhóm và vai trò', 'Người dùng'],
      ['cs', 'Týmy a role', 'Uživatelé'],
    ]) {
      await signIn(page, h.adminToken, '#/teams')
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.reload()
      await page.locator('h1', { hasText: title }).waitFor()
      await page.locator('[data-group="billing"] li').first().waitFor()
      expect(await fitsWidth()).toBe(true)
      await page.screenshot({ path: join(SHOTS, `people-teams-390-${lang}.png`), fullPage: true })
      await page.goto('/#/users')
      await page.locator('h1', { hasText: users }).waitFor()
      await page.locator('tr', { hasText: 'Nguyễn Thị Mai' }).waitFor()
      expect(await fitsWidth()).toBe(true)
      const reset = page.locator('tr', { hasText: 'Nguyễn Thị Mai' }).locator('td.row-action button').first()
      const box = (await reset.boundingBox())!
      expect(box.x + box.width).toBeLessThanOrEqual(390)
      await page.screenshot({ path: join(SHOTS, `people-users-390-${lang}.png`), fullPage: true })
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
  })

  it('sets a team’s calendar with the select on its card, and clears it again', async () => {
    const saved = await fetch(`${h.server.url}/api/calendars/hanoi_desk`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Hanoi desk',
        timeZone: 'Asia/Ho_Chi_Minh',
        week: { mon: [{ from: '08:00', to: '17:00' }] },
      }),
    })
    expect(saved.status).toBe(201)
    await page.setViewportSize({ width: 1440, height: 900 })
    await signIn(page, h.adminToken, '#/teams')
    const select = page.locator('[data-team-calendar="billing"]')
    await select.waitFor()
    expect(await select.inputValue()).toBe('')
    await select.selectOption({ label: 'Hanoi desk' })
    await status('Billing now counts business time in Hanoi desk.')
    const team = () =>
      api('/api/teams').then((ts: { id: string; calendarId: string | null }[]) =>
        ts.find((t) => t.id === 'billing'),
      )
    expect((await team())?.calendarId).toBe('hanoi_desk')
    for (const [lang, text] of [
      ['vi', 'Lịch làm việc'],
      ['cs', 'Kalendář'],
    ]) {
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      await page.reload()
      await page.locator('[data-group="billing"] .team-calendar', { hasText: text }).waitFor()
      for (const [width, height] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width, height })
        expect(await fitsWidth(), `${lang} ${width}`).toBe(true)
        await page.screenshot({
          path: join(SHOTS, `people-team-calendar-${width}-${lang}.png`),
          fullPage: true,
        })
      }
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.reload()
    await page.locator('[data-team-calendar="billing"]').selectOption({ label: 'The SOP’s calendar' })
    await status('Billing now counts business time in each SOP’s calendar.')
    expect((await team())?.calendarId).toBeNull()
  })
})
