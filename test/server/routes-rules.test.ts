import { describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

const open = { sopId: 'support-ticket', channel: 'phone', subject: 'Charged twice' }

describe('route input rules', () => {
  it('reads a metrics period given as dates or instants with offsets as UTC instants, with the previous period', async () => {
    const c = await setup()
    const r = await c.call(
      'GET',
      '/api/metrics?from=2026-03-01&to=2026-03-02T07:00:00%2B07:00',
      c.tokens.supervisor,
    )
    expect(r.status).toBe(200)
    expect(r.body.period).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
      previousFrom: '2026-02-28T00:00:00.000Z',
      previousTo: '2026-03-01T00:00:00.000Z',
    })
    const none = await c.call('GET', '/api/metrics', c.tokens.supervisor)
    expect(none.body.period).toEqual({ from: null, to: null, previousFrom: null, previousTo: null })
  })

  it('counts the tickets of the filter asked for: channel, SOP version and period', async () => {
    const c = await setup()
    await c.call('POST', '/api/tickets', c.tokens.agent, open)
    await c.call('POST', '/api/tickets', c.tokens.agent, { ...open, channel: 'email' })
    const count = async (q: string) =>
      (await c.call('GET', `/api/metrics?${q}`, c.tokens.supervisor)).body.tickets
    expect(await count('')).toBe(2)
    expect(await count('channel=email')).toBe(1)
    expect(await count('sop=support-ticket&version=1')).toBe(2)
    expect(await count('sop=support-ticket&version=2')).toBe(0)
    expect(await count('sop=other')).toBe(0)
    expect(await count('from=2026-03-02T08:00:00Z&to=2026-03-02T08:00:01Z')).toBe(2)
    expect(await count('from=2026-03-02T08:00:01Z')).toBe(0)
    expect(await count('to=2026-03-02T08:00:00Z')).toBe(0)
    const drill = await c.call('GET', '/api/metrics/tickets?figure=open&channel=email', c.tokens.supervisor)
    expect([drill.body.figure, drill.body.total, drill.body.items.length]).toEqual(['open', 1, 1])
    const workload = await c.call('GET', '/api/metrics/workload?channel=email', c.tokens.supervisor)
    expect(workload.status).toBe(200)
  })

  it('refuses a metrics or an audit query with a bad date, naming the field, with 400', async () => {
    const c = await setup()
    const m = await c.call('GET', '/api/metrics?from=yesterday', c.tokens.supervisor)
    expect(m.status).toBe(400)
    expect(JSON.stringify(m.body)).toContain('from')
    const a = await c.call('GET', '/api/audit/tickets?to=2026-13-45', c.tokens.auditor)
    expect(a.status).toBe(400)
    expect(JSON.stringify(a.body)).toContain('to')
  })

  it('filters the audit search by period, status, channel and SOP, and pages it', async () => {
    const c = await setup()
    const first = (await c.call('POST', '/api/tickets', c.tokens.agent, open)).body.ticket
    await c.call('POST', '/api/tickets', c.tokens.agent, { ...open, channel: 'email' })
    const ids = async (q: string) => {
      const r = await c.call('GET', `/api/audit/tickets?${q}`, c.tokens.auditor)
      expect(r.status).toBe(200)
      return r.body
    }
    expect((await ids('')).total).toBe(2)
    expect((await ids('channel=phone')).items.map((t: { id: string }) => t.id)).toEqual([first.id])
    expect((await ids('status=closed')).total).toBe(0)
    expect((await ids('status=open&sop=support-ticket&version=1')).total).toBe(2)
    expect((await ids('from=2026-03-02T08:00:01Z')).total).toBe(0)
    expect((await ids('to=2026-03-02T08:00:01Z')).total).toBe(2)
    const page = await ids('limit=1&offset=1')
    expect([page.total, page.items.length]).toEqual([2, 1])
  })

  it('refuses an Idempotency-Key over 200 characters and opens nothing; 200 characters are taken', async () => {
    const c = await setup()
    const long = await c.call('POST', '/api/tickets', c.tokens.agent, open, {
      'idempotency-key': 'k'.repeat(201),
    })
    expect(long.status).toBe(400)
    expect(long.body.detail).toBe('Idempotency-Key is too long (200 characters at most)')
    expect((await c.call('GET', '/api/audit/tickets', c.tokens.auditor)).body.total).toBe(0)
    const key = { 'idempotency-key': 'k'.repeat(200) }
    const a = await c.call('POST', '/api/tickets', c.tokens.agent, open, key)
    const b = await c.call('POST', '/api/tickets', c.tokens.agent, open, key)
    expect(a.status).toBe(201)
    expect(b.body.ticket.id).toBe(a.body.ticket.id)
    const other = await c.call('POST', '/api/tickets', c.tokens.agent, { ...open, subject: 'Other' }, key)
    expect(other.body.code).toBe('idempotency_key_reused')
  })
})
