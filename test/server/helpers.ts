import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { createApp } from '../../server/app.ts'
import type { ReplyConfig } from '../../server/outbox/replies.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import type { Storage } from '../../server/storage/types.ts'

export const root = join(import.meta.dirname, '..', '..')
export const example = (name: string) =>
  JSON.parse(readFileSync(join(root, 'test', 'fixtures', `${name}.json`), 'utf8'))

/** A test clock that only moves when told to. */
export function manualClock(start = '2026-03-02T08:00:00.000Z') {
  let now = Date.parse(start)
  const clock = () => new Date(now)
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms
    },
  })
}

/** An app on a fresh in-memory database, with an admin, the support SOP published, and users by role. */
export function setup(options: { path?: string; replies?: ReplyConfig } = {}) {
  return setupOn(new SqliteStorage(options.path ?? ':memory:'), options)
}

/** As `setup`, on an empty database of any backend (a PostgreSQL one of `pgHarness`). */
export async function setupOn<S extends Storage>(storage: S, options: { replies?: ReplyConfig } = {}) {
  const clock = manualClock()
  const adminToken = (await ensureAdmin(storage, clock().toISOString()))!
  const admin = (await storage.listUsers())[0]
  await importSop(storage, example('support-ticket'), admin.id, clock().toISOString())
  const sopflow = createApp({ storage, clock, config: { bodyLimit: 64 * 1024, replies: options.replies } })
  const call = async (
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await sopflow.app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      json = text
    }
    return { status: res.status, body: json, type: res.headers.get('content-type') ?? '' }
  }
  const tokens: Record<string, string> = { admin: adminToken }
  const users: Record<string, string> = { admin: admin.id }
  for (const role of ['owner', 'agent', 'senior_agent', 'supervisor', 'auditor']) {
    const r = await call('POST', '/api/users', adminToken, { name: `${role} user`, role, team: 'hanoi' })
    tokens[role] = r.body.token
    users[role] = r.body.user.id
  }
  return { storage, clock, call, tokens, users, sopflow }
}

/** Opens a support ticket by phone, "Charged twice", as the agent (or `token`), unless `extra` says otherwise. */
export async function openTicket(
  ctx: Pick<Awaited<ReturnType<typeof setupOn>>, 'call' | 'tokens'>,
  extra: Record<string, unknown> = {},
  token = ctx.tokens.agent,
) {
  const r = await ctx.call('POST', '/api/tickets', token, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Charged twice',
    ...extra,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.ticket as { id: string; version: number }
}
