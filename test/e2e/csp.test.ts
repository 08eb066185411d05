import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

type Violation = { directive: string; blocked: string }

describe('the web app under its Content-Security-Policy', () => {
  it('signs in and renders the designer and the dashboard with no CSP violation; an injected script is refused', async () => {
    const { page } = h
    const refused: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text())
    })
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: Violation[] }
      w.cspViolations = []
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI }),
      )
    })
    const violations = () =>
      page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations)

    const first = await page.goto('/')
    expect(first?.headers()['content-security-policy']).toContain("script-src 'self'")

    const owner = await createUser(h.server.url, h.adminToken, 'Olga Owner', 'owner')
    await signIn(page, owner, '#/designer/support-ticket')
    await page.locator('.react-flow__node').first().waitFor()
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(3)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBeGreaterThan(2)
    await h.shot('csp-designer')
    expect(await violations()).toEqual([])

    const supervisor = await createUser(h.server.url, h.adminToken, 'Sam Supervisor', 'supervisor')
    await signIn(page, supervisor, '#/dashboard')
    await page.locator('canvas, svg').first().waitFor()
    await page.waitForTimeout(500)
    await h.shot('csp-dashboard')
    expect(await violations()).toEqual([])
    expect(refused).toEqual([])

    // The policy is in force: a script injected into the page is refused and reported.
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.injected = true'
      document.body.append(s)
    })
    await page.waitForTimeout(100)
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBe(undefined)
    expect((await violations()).map((v) => v.directive)).toContain('script-src-elem')
  }, 60_000)
})
