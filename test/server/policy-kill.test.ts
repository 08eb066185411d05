import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bootChild, type ChildServer, killChild, waitFor } from './childServer.ts'

const desk = {
  title: 'Prague desk',
  timeZone: 'Europe/Prague',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '08:00', to: '17:00' }]]),
  ),
}

/** Phone: first reply in 1 business hour; others in 4, warned at 75 %; resolution in 8, raising priority. */
const desk24 = {
  schema: 'sopflow/v1',
  id: 'warned_desk',
  title: 'Warned desk',
  department: 'Care',
  purpose: 'Warn before a breach and raise the priority on it.',
  calendar: 'prague_desk',
  policy: {
    targets: [
      { metric: 'first_reply', channels: ['phone'], due: 'PT1H', time: 'business', notify: 'supervisor' },
      { metric: 'first_reply', due: 'PT4H', time: 'business', warnAt: 0.75, warnNotify: 'supervisor' },
      {
        metric: 'resolution',
        due: 'PT8H',
        time: 'business',
        notify: 'supervisor',
        raisePriority: 'urgent',
      },
    ],
  },
  fields: [{ name: 'channel', label: 'Channel', type: 'text', bind: 'ticket.channel' }],
  initial: 'work',
  steps: [
    { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
    { id: 'wait', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer', pausesClocks: true },
    { id: 'done', kind: 'end', title: 'Resolved', outcome: 'resolved' },
    { id: 'gone', kind: 'end', title: 'No answer', outcome: 'no_response' },
  ],
  transitions: [
    { id: 'answer', from: 'work', to: 'wait', action: 'answer', reply: true },
    { id: 'back', from: 'wait', to: 'work', action: 'customer_wrote', customerMessage: true },
    { id: 'resolve', from: 'work', to: 'done', action: 'resolve', reply: true },
    { id: 'silent', from: 'wait', to: 'gone', after: 'P7D' },
  ],
}

let dir = ''
const children: ChildServer[] = []
afterEach(async () => {
  for (const c of children.splice(0)) await killChild(c.child)
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
})

type Audit = { type: string; payload: { record?: { timerId: string | null } } }

describe('policy clocks across a SIGKILL', () => {
  it('a warning, a per-channel target and a paused resolution each fire exactly once across kills', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-policy-kill-'))
    const db = join(dir, 'db.sqlite')
    const clockFile = join(dir, 'clock')
    const setClock = (iso: string) => writeFileSync(clockFile, iso)
    let server: ChildServer
    const boot = async () => {
      server = await bootChild(db, clockFile)
      children.push(server)
    }
    const call = async (method: string, url: string, token: string, body?: unknown) => {
      const res = await fetch(`${server.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json() }
    }
    setClock('2026-03-06T15:00:00.000Z') // Friday 16:00 in Prague
    await boot()
    const admin = server!.token
    expect((await call('PUT', '/api/calendars/prague_desk', admin, desk)).status).toBe(201)
    expect((await call('POST', '/api/sops', admin, { document: desk24 })).status).toBe(201)
    expect((await call('POST', '/api/sops/warned_desk/publish', admin)).status).toBe(201)
    const agent = (await call('POST', '/api/users', admin, { name: 'Agent', role: 'agent' })).body.token
    const lead = (await call('POST', '/api/users', admin, { name: 'Lead', role: 'supervisor' })).body.token
    const open = (channel: string) =>
      call('POST', '/api/tickets', agent, { sopId: 'warned_desk', channel, subject: `By ${channel}` })
    const mail = await open('email')
    expect(mail.status).toBe(201)
    expect(mail.body.timers.map((t: { id: string; dueAt: string }) => [t.id, t.dueAt])).toEqual([
      ['warn:first_reply:0', '2026-03-09T09:00:00.000Z'],
      ['policy:first_reply:0', '2026-03-09T10:00:00.000Z'],
      ['policy:resolution:0', '2026-03-09T14:00:00.000Z'],
    ])
    const phone = await open('phone')
    expect(phone.body.timers[0]).toMatchObject({
      id: 'policy:first_reply:0',
      dueAt: '2026-03-06T16:00:00.000Z',
    })
    const id = mail.body.ticket.id
    const fired = async (ticket: string) =>
      ((await call('GET', `/api/tickets/${ticket}/history`, agent)).body as Audit[])
        .filter((a) => a.type === 'timer')
        .map((a) => a.payload.record!.timerId)

    await killChild(server!.child)
    setClock('2026-03-09T09:00:00.000Z') // Monday 10:00: the e-mail warning and the phone breach are due
    await boot()
    await waitFor(
      async () => [...(await fired(id)), ...(await fired(phone.body.ticket.id))],
      (ids) => ids.length === 2,
    )
    expect(await fired(id)).toEqual(['warn:first_reply:0'])
    expect(await fired(phone.body.ticket.id)).toEqual(['policy:first_reply:0'])
    setClock('2026-03-09T09:30:00.000Z') // the agent answers: first reply stops, resolution pauses
    const version = (await call('GET', `/api/tickets/${id}`, agent)).body.ticket.version
    const answered = await call('POST', `/api/tickets/${id}/actions`, agent, { action: 'answer', version })
    expect(answered.status).toBe(200)

    await killChild(server!.child) // killed while the resolution clock is paused
    setClock('2026-03-09T14:00:00.000Z') // the unpaused resolution due time has come
    await boot()
    // The phone ticket's resolution falls due at the same time: once it fired, the scheduler has run.
    await waitFor(
      () => fired(phone.body.ticket.id),
      (ids) => ids.length === 2,
    )
    expect(await fired(id)).toEqual(['warn:first_reply:0'])
    const wrote = await call('POST', `/api/tickets/${id}/actions`, agent, {
      action: 'customer_wrote',
      version: version + 1,
    })
    // Paused Monday 10:30–15:00 Prague (4.5 business hours): due Tuesday 10:30 instead of Monday 15:00.
    expect(wrote.body.timers).toEqual([
      expect.objectContaining({
        id: `policy:resolution:0@${version + 1}`,
        dueAt: '2026-03-10T09:30:00.000Z',
      }),
    ])

    await killChild(server!.child)
    setClock('2026-03-10T09:30:00.000Z')
    await boot()
    await waitFor(
      () => fired(id),
      (ids) => ids.length === 2,
    )
    setClock('2026-03-11T09:30:00.000Z')
    await killChild(server!.child)
    await boot()
    const ticket = (await call('GET', `/api/tickets/${id}`, agent)).body.ticket
    expect(await fired(id)).toEqual(['warn:first_reply:0', `policy:resolution:0@${version + 1}`])
    expect(ticket.priority).toBe('urgent')
    type Notice = { kind: string; ticketId: string; params: Record<string, string> }
    const notices = async () =>
      ((await call('GET', '/api/notifications', lead)).body.items as Notice[]).filter(
        (n) => n.ticketId === id,
      )
    const mine = (await waitFor(notices, (n) => n.length >= 2)).map((n) => [n.kind, n.params.metric ?? null])
    expect(mine.sort()).toEqual([
      ['sla_breached', null],
      ['sla_warning', 'first_reply'],
    ])
    expect((await call('GET', `/api/tickets/${id}/verify`, admin)).body).toMatchObject({ ok: true })
  }, 120_000)
})
