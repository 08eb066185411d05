import { expect } from 'vitest'
import { linkHash } from '../../server/services/crypto.ts'
import { entryOf } from '../../server/services/verification.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import type { setup } from './helpers.ts'

export type Ctx = Awaited<ReturnType<typeof setup>>

export const intake = { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' }

/** A ticket with a history of every kind: intake, a refused attempt, a claim, transitions, a note. */
export async function busyTicket(c: Ctx): Promise<string> {
  const r = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Charged twice',
    queue: 'tier1',
  })
  expect(r.status).toBe(201)
  const id = r.body.ticket.id as string
  expect(
    (await c.call('POST', `/api/tickets/${id}/actions`, c.tokens.agent, { action: 'start', version: 1 }))
      .status,
  ).toBe(422)
  expect((await c.call('POST', `/api/tickets/${id}/claim`, c.tokens.agent, { version: 1 })).status).toBe(200)
  const started = await c.call('POST', `/api/tickets/${id}/actions`, c.tokens.agent, {
    action: 'start',
    version: 2,
    fields: intake,
    ticks: { intake: ['greet', 'listen'] },
  })
  expect(started.status).toBe(200)
  expect(
    (await c.call('POST', `/api/tickets/${id}/notes`, c.tokens.agent, { text: 'Called the bank' })).status,
  ).toBe(201)
  return id
}

/** Re-chains the records from the first, so that only a change of their content remains. */
export function rechain(rs: AuditRow[]): AuditRow[] {
  let prev: string | null = null
  for (const r of rs) {
    r.prevHash = prev
    r.hash = linkHash(prev, entryOf(r))
    prev = r.hash
  }
  return rs
}
