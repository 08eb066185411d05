import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, isOpenAt, paths } from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS, seedCalendars } from '../../server/calendars/examples.ts'
import { importSop } from '../../server/start.ts'
import { createUser, launch, signIn } from './harness.ts'

/**
 * The agent's desk on every shipped example (not the frozen copies the other browser tests use):
 * a ticket is walked in Chromium along the shortest path the engine finds that needs no timer,
 * by people of the roles the path names, filling its fields and ticking its checklists on screen.
 */
const dir = join(import.meta.dirname, '..', '..', 'examples')
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))

/** The contact windows the bank examples name, as the server seeds them. */
const calendars = calendarFiles(EXAMPLE_CALENDARS, new Date())
/**
 * The server's clock runs from the next time every contact window stays open for three hours, so
 * that the calls on the walks are allowed whenever the test runs.
 */
function nextOpenForAll(): number {
  const step = 15 * 60_000
  const open = (at: number) => Object.values(calendars).every((c) => isOpenAt(c, at))
  let at = Math.ceil(Date.now() / step) * step
  while (![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].every((i) => open(at + i * step))) at += step
  return at
}
const offset = nextOpenForAll() - Date.now()

let h: Awaited<ReturnType<typeof launch>>
const tokens: Record<string, string> = {}
beforeAll(async () => {
  h = await launch({ clock: () => new Date(Date.now() + offset) })
  const admin = (await h.server.storage.listUsers())[0]
  await seedCalendars(h.server.storage, EXAMPLE_CALENDARS, admin.id, new Date())
  for (const doc of examples) await importSop(h.server.storage, doc, admin.id, new Date().toISOString())
  for (const role of ['agent', 'senior_agent', 'supervisor'])
    tokens[role] = await createUser(h.server.url, h.adminToken, `Desk ${role}`, role)
}, 60_000)
afterAll(async () => h?.close())

const api = async (path: string, token: string, body?: unknown) => {
  const res = await fetch(`${h.server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('the desk on every shipped example', () => {
  it('walks a ticket of each example to its end on screen, and it verifies', async () => {
    const { page } = h
    let signedInAs = ''
    for (const doc of examples) {
      const path = paths(compile(doc, { calendars })).find((p) =>
        p.inputs.every((i) => i.input.kind === 'action'),
      )
      expect(path, `${doc.id}: a path without timers`).toBeDefined()
      const created = await api('/api/tickets', tokens.agent, {
        sopId: doc.id,
        channel: doc.channels?.[0] ?? 'phone',
        subject: `Desk walk of ${doc.id}`,
      })
      expect(created.status).toBe(201)
      const id = created.body.ticket.id as string
      let version = created.body.ticket.version as number
      const hash = `#/tickets/${id}`
      for (const step of path!.inputs) {
        const input = step.input
        if (input.kind !== 'action') throw new Error('a timer in a path chosen without timers')
        const role = tokens[step.actor.role] ? step.actor.role : 'agent'
        if (signedInAs !== role) {
          await signIn(page, tokens[role], hash)
          signedInAs = role
        } else if (!page.url().endsWith(hash)) await page.goto(`/${hash}`)
        const where = `${doc.id}: ${input.action}`
        const button = page.locator(`button[data-action="${input.action}"]`)
        await button.waitFor({ timeout: 15_000 })
        for (const [name, value] of Object.entries(input.fields ?? {})) {
          const field = page.locator(`[name="field-${name}"]`).first()
          await field.waitFor({ timeout: 5_000 })
          if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(String(value))
          else await field.fill(value === null ? '' : String(value))
        }
        for (const [stepId, items] of Object.entries(input.ticks ?? {}))
          for (const item of items) await page.check(`input[name="tick-${stepId}-${item}"]`)
        await page.keyboard.press('Tab')
        await button.click()
        await expect
          .poll(async () => (await api(`/api/tickets/${id}`, tokens.agent)).body.ticket.version, {
            message: where,
            timeout: 15_000,
          })
          .toBeGreaterThan(version)
        version = (await api(`/api/tickets/${id}`, tokens.agent)).body.ticket.version
      }
      const end = (await api(`/api/tickets/${id}`, tokens.agent)).body.ticket
      expect({ id: doc.id, status: end.status, outcome: end.outcome }).toEqual({
        id: doc.id,
        status: 'closed',
        outcome: path!.outcome,
      })
      await page.waitForSelector('[data-testid="ticket-status"]')
      expect((await api(`/api/tickets/${id}/verify`, tokens.supervisor)).body.ok, doc.id).toBe(true)
    }
  }, 180_000)
})
