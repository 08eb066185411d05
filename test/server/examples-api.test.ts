import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compile, paths, type SopPath } from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS, seedCalendars } from '../../server/calendars/examples.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { TimerScheduler } from '../../server/timers/scheduler.ts'
import { root, setup } from './helpers.ts'

/**
 * Every shipped example (not a frozen copy) works as a ticket through the real API: published by
 * its owner, a ticket walked along a path to each of its end steps (the engine's `paths()`), with
 * its timers fired by the scheduler on a controlled clock, then verified and exported.
 */
const dir = join(root, 'examples')
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
/** The calendars the examples name (their contact windows), saved as a fresh server seeds them. */
let calendars: ReturnType<typeof calendarFiles> = {}
beforeAll(async () => {
  ctx = await setup()
  await seedCalendars(ctx.storage, EXAMPLE_CALENDARS, ctx.users.owner, ctx.clock())
  calendars = calendarFiles(EXAMPLE_CALENDARS, ctx.clock())
})
afterAll(() => ctx?.storage.close())

/** One path to each end step the SOP can reach: the shortest ones, which `paths()` lists first. */
function onePerEnd(found: SopPath[]): SopPath[] {
  const seen = new Set<string>()
  return found.filter((p) => !seen.has(p.endStepId) && seen.add(p.endStepId))
}

describe('every shipped example through the API', () => {
  expect(files.length).toBeGreaterThanOrEqual(5)
  for (const file of files) {
    it(`${file}: publishes, and a ticket reaches each end step along a path, verifies and exports`, async () => {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'))
      const created = await ctx.call('POST', '/api/sops', ctx.tokens.owner, { document: doc })
      // support-ticket is already there (the test setup publishes a frozen copy): save the example over it.
      if (created.status === 409)
        expect(
          (await ctx.call('PUT', `/api/sops/${doc.id}`, ctx.tokens.owner, { document: doc })).status,
        ).toBe(200)
      else expect(created.status, JSON.stringify(created.body)).toBe(201)
      const published = await ctx.call('POST', `/api/sops/${doc.id}/publish`, ctx.tokens.owner)
      expect(published.status, JSON.stringify(published.body)).toBe(201)
      const version = published.body.version as number

      const sop = compile(doc, { calendars })
      const routes = onePerEnd(paths(sop))
      const ends = doc.steps.filter((s: { kind: string; parent?: string }) => s.kind === 'end' && !s.parent)
      expect(routes.map((p) => p.endStepId).sort()).toEqual(ends.map((s: { id: string }) => s.id).sort())
      const scheduler = new TimerScheduler(ctx.storage, ctx.sopflow.tickets, ctx.clock)
      for (const route of routes) {
        // Contact windows depend on the time of day: the path to this end is found from now.
        const now = ctx.clock().toISOString()
        const p = paths(sop, { startAt: now }).find((x) => x.endStepId === route.endStepId)!
        const where = `${file} → ${p.endStepId}`
        const t = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
          sopId: doc.id,
          channel: doc.channels?.[0] ?? 'phone',
          subject: `Example walk to ${p.endStepId}`,
        })
        expect(t.status, where).toBe(201)
        expect(t.body.ticket.sopVersion).toBe(version)
        const id = t.body.ticket.id as string
        let at = Date.parse(p.startAt)
        for (const step of p.inputs) {
          ctx.clock.advance(Date.parse(step.at) - at)
          at = Date.parse(step.at)
          const current = (await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.supervisor)).body.ticket
          const input = step.input
          if (input.kind === 'timer') {
            expect(await scheduler.tick(), `${where}: timer ${input.timerId}`).toBeGreaterThanOrEqual(1)
            const fired = (
              await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.supervisor)
            ).body.at(-1)
            expect(fired, where).toMatchObject({
              type: 'timer',
              payload: { record: { timerId: input.timerId } },
            })
          } else if (input.kind === 'action') {
            const token = ctx.tokens[step.actor.role] ?? ctx.tokens.agent
            const r = await ctx.call('POST', `/api/tickets/${id}/actions`, token, {
              action: input.action,
              version: current.version,
              ...(input.fields ? { fields: input.fields } : {}),
              ...(input.ticks ? { ticks: input.ticks } : {}),
            })
            expect(r.status, `${where}: ${input.action} ${JSON.stringify(r.body)}`).toBe(200)
          } else throw new Error(`${where}: a path input of kind ${input.kind}`)
        }
        const end = (await ctx.call('GET', `/api/tickets/${id}`, ctx.tokens.auditor)).body.ticket
        expect({ where, status: end.status, outcome: end.outcome }).toEqual({
          where,
          status: 'closed',
          outcome: p.outcome,
        })
        const leaves = (await ctx.call('GET', `/api/tickets/${id}/history`, ctx.tokens.auditor)).body
          .map((a: { payload: { record?: { to: string[] } } }) => a.payload.record?.to)
          .filter(Boolean)
        expect(leaves.at(-1), where).toEqual([p.endStepId])
        const verified = await ctx.call('GET', `/api/tickets/${id}/verify`, ctx.tokens.auditor)
        expect({ where, ok: verified.body.ok, problems: verified.body.problems }).toEqual({
          where,
          ok: true,
          problems: [],
        })
        const res = await ctx.sopflow.app.request(`/api/tickets/${id}/evidence`, {
          headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
        })
        expect(res.status).toBe(200)
        expect(checkBundle(Buffer.from(await res.arrayBuffer())).problems, where).toEqual([])
      }
    }, 60_000)
  }
})
