import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import type { AuthConfig } from '../../server/auth/auth.ts'
import { importSop, type RunningServer, startServer } from '../../server/start.ts'

export const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots')

/** A sopflow server on a temporary database and a headless Chromium page. */
export async function launch(
  options: { auth?: AuthConfig; port?: number; clock?: () => Date } = {},
): Promise<{
  server: RunningServer
  browser: Browser
  page: Page
  adminToken: string
  dbPath: string
  shot: (name: string) => Promise<string>
  close: () => Promise<void>
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-e2e-'))
  const dbPath = join(dir, 'e2e.sqlite')
  const server = await startServer({
    dbPath,
    port: options.port ?? 0,
    timerIntervalMs: 500,
    seedExamples: false,
    auth: options.auth,
    clock: options.clock,
  })
  // Frozen copies of the examples, so that browser tests do not change when the examples are edited.
  const admin = (await server.storage.listUsers())[0]
  for (const name of ['support-ticket', 'complaint-handling']) {
    const doc = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', `${name}.json`), 'utf8'))
    await importSop(server.storage, doc, admin.id, new Date().toISOString())
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, baseURL: server.url })
  page.on('pageerror', (e) => console.error('page error:', e.message))
  mkdirSync(SHOTS, { recursive: true })
  return {
    server,
    browser,
    page,
    adminToken: server.adminToken,
    dbPath,
    shot: async (name) => {
      const path = join(SHOTS, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    close: async () => {
      await browser.close()
      await server.close()
    },
  }
}

/** Signs in with an API token through the sign-in page's advanced option. */
export async function signIn(page: Page, token: string, hash = '#/inbox'): Promise<void> {
  await page.goto(`/${hash}`)
  await page.evaluate(() => localStorage.clear())
  await page.reload()
  await tokenSignIn(page, token)
}

/** Opens the sign-in page's "API token" option and signs in with the token. */
export async function tokenSignIn(page: Page, token: string): Promise<void> {
  await page.click('.sign-in-token summary')
  await page.fill('input[name="token"]', token)
  await page.click('.sign-in-token button[type="submit"]')
}

/**
 * Invites a person through the API and accepts the invitation with a password, as the person
 * would through the link; returns their e-mail address, the password and the link's session cookie.
 */
export async function createPerson(
  url: string,
  adminToken: string,
  name: string,
  role: string,
  email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@example.com`,
): Promise<{ email: string; password: string; id: string }> {
  const password = 'a long enough passphrase'
  const res = await fetch(`${url}/api/users/invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role, team: 'hanoi', email }),
  })
  const invited = (await res.json()) as { user: { id: string }; link: { url: string } }
  const secret = invited.link.url.split('/').pop()
  const accepted = await fetch(`${url}/api/auth/links/${secret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  })
  if (accepted.status !== 200) throw new Error(`invitation not accepted: ${await accepted.text()}`)
  return { email, password, id: invited.user.id }
}

/** Creates a user through the API and returns their token. */
export async function createUser(
  url: string,
  adminToken: string,
  name: string,
  role: string,
  team = 'hanoi',
): Promise<string> {
  const res = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role, team }),
  })
  return ((await res.json()) as { token: string }).token
}
