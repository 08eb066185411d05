import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { bootChild, type ChildServer, killChild, waitFor } from './childServer.ts'
import { startPostgres, type TestPostgres } from './pgHarness.ts'
import { api, startTwoServers, type TwoServers } from './twoServers.ts'

let two: TwoServers | null = null
let pg: TestPostgres | null = null
let dir = ''
const children: ChildServer[] = []
let receiver: Server | null = null
afterEach(async () => {
  receiver?.closeAllConnections()
  receiver?.close()
  receiver = null
  for (const c of children.splice(0)) await killChild(c.child)
  await two?.stop()
  two = null
  await pg?.stop()
  pg = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = ''
}, 60_000)

type Ack = { ticket: string; version: number; name: string }
type Record = { seq: number; type: string; payload: unknown }

describe('two servers on one PostgreSQL, one of them killed', () => {
  it('lose no acknowledged action and half-apply none when either server is SIGKILLed under load, and the survivor keeps serving', async () => {
    two = await startTwoServers()
    const s = two
    const admin = s.token
    const agent = (await api(s.servers[0].url, 'POST', '/api/users', admin, { name: 'Agent', role: 'agent' }))
      .body.token as string
    const tickets: { id: string; version: number }[] = []
    for (let i = 0; i < 8; i++) {
      const base = s.servers[i % 2].url
      const t = (
        await api(base, 'POST', '/api/tickets', agent, {
          sopId: 'support-ticket',
          channel: 'phone',
          subject: `Load ${i}`,
        })
      ).body.ticket
      const claimed = await api(base, 'POST', `/api/tickets/${t.id}/claim`, agent, { version: t.version })
      expect(claimed.status).toBe(200)
      tickets.push({ id: t.id, version: claimed.body.ticket.version })
    }
    const acks: Ack[] = []
    let n = 0
    for (let round = 0; round < 3; round++) {
      let running = true
      let survivorAcks = 0
      let downed: number | null = null
      // Each client works one ticket, on either server; a refused connection sends it to the other.
      const clients = tickets.map(async (t) => {
        let at = Math.floor(Math.random() * 2)
        while (running) {
          const base = s.servers[at].url
          const name = `update ${n++}`
          const r = await api(base, 'POST', `/api/tickets/${t.id}/update`, agent, {
            version: t.version,
            fields: { customer_name: name },
          })
          if (r.status === 200) {
            t.version = r.body.ticket.version
            acks.push({ ticket: t.id, version: t.version, name })
            if (downed !== null && at !== downed) survivorAcks++
          } else {
            // Not acknowledged (refused, cut off or a conflict): read where the ticket stands.
            at = 1 - at
            const now = await api(s.servers[at].url, 'GET', `/api/tickets/${t.id}`, agent)
            if (now.status === 200) t.version = now.body.ticket.version
          }
          at = Math.random() < 0.5 ? at : 1 - at
        }
      })
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 900))
      downed = Math.floor(Math.random() * 2)
      await s.kill(downed)
      await waitFor(
        async () => survivorAcks,
        (count) => count >= 20,
      )
      await s.restart(downed)
      await new Promise((r) => setTimeout(r, 300))
      running = false
      await Promise.all(clients)
      expect(survivorAcks, `round ${round}`).toBeGreaterThanOrEqual(20)
    }
    expect(acks.length).toBeGreaterThan(60)
    for (const t of tickets) {
      const history = (await api(s.servers[0].url, 'GET', `/api/tickets/${t.id}/history`, admin))
        .body as Record[]
      const ticket = (await api(s.servers[1].url, 'GET', `/api/tickets/${t.id}`, admin)).body.ticket
      // Half-applied would be a version without its record, or a record without its version.
      expect(history.map((h) => h.seq)).toEqual(Array.from({ length: ticket.version }, (_, i) => i))
      for (const a of acks.filter((x) => x.ticket === t.id)) {
        // The record this answer acknowledged is the first to carry the value (later ones name it as the old value).
        const first = history.find((h) => JSON.stringify(h.payload).includes(`"${a.name}"`))
        expect(first && [first.seq, first.type], a.name).toEqual([a.version - 1, 'update'])
      }
      for (const base of s.servers.map((x) => x.url)) {
        const checked = await api(base, 'GET', `/api/tickets/${t.id}/verify`, admin)
        expect(checked.body, JSON.stringify(checked.body)).toMatchObject({ ok: true, ledger: { ok: true } })
      }
    }
  }, 300_000)

  it('fire each timer that falls due exactly once across both servers, also when one is killed', async () => {
    pg = await startPostgres()
    const db = await pg.createDatabase()
    dir = mkdtempSync(join(tmpdir(), 'sopflow-multi-timers-'))
    const clockFile = join(dir, 'clock')
    writeFileSync(clockFile, '2026-03-02T08:00:00.000Z')
    const a = await bootChild(db, clockFile)
    children.push(a)
    const b = await bootChild(db, clockFile)
    children.push(b)
    const admin = a.token
    const sop = {
      schema: 'sopflow/v1',
      id: 'callback',
      title: 'Call back',
      department: 'Care',
      purpose: 'Close a ticket nobody picked up within an hour.',
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
        { id: 'lapsed', kind: 'end', title: 'Lapsed', outcome: 'no_response' },
      ],
      transitions: [{ id: 'lapse', from: 'work', to: 'lapsed', after: 'PT1H' }],
    }
    expect((await api(a.url, 'POST', '/api/sops', admin, { document: sop })).status).toBe(201)
    expect((await api(b.url, 'POST', '/api/sops/callback/publish', admin)).status).toBe(201)
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      const r = await api(i % 2 ? b.url : a.url, 'POST', '/api/tickets', admin, {
        sopId: 'callback',
        channel: 'phone',
        subject: `#${i}`,
      })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      ids.push(r.body.ticket.id)
    }
    const firedOn = async (id: string) =>
      ((await api(b.url, 'GET', `/api/tickets/${id}/history`, admin)).body as Record[]).filter(
        (h) => h.type === 'timer',
      ).length
    // Half the tickets fall due while both servers run; the rest after one of them was killed.
    writeFileSync(clockFile, '2026-03-02T09:00:00.000Z')
    await waitFor(
      async () => (await Promise.all(ids.map(firedOn))).reduce((x, y) => x + y, 0),
      (fired) => fired === ids.length,
      60_000,
    )
    await killChild(a.child)
    for (let i = 0; i < 10; i++) {
      const r = await api(b.url, 'POST', '/api/tickets', admin, {
        sopId: 'callback',
        channel: 'phone',
        subject: `late #${i}`,
      })
      ids.push(r.body.ticket.id)
    }
    const c = await bootChild(db, clockFile)
    children.push(c)
    writeFileSync(clockFile, '2026-03-02T10:30:00.000Z')
    await waitFor(
      async () => (await Promise.all(ids.map(firedOn))).reduce((x, y) => x + y, 0),
      (fired) => fired >= ids.length,
      60_000,
    )
    // A moment longer: a second firing would show now.
    await new Promise((r) => setTimeout(r, 1000))
    for (const id of ids) {
      expect(await firedOn(id), id).toBe(1)
      const t = (await api(c.url, 'GET', `/api/tickets/${id}`, admin)).body.ticket
      expect(t).toMatchObject({ status: 'closed', outcome: 'no_response' })
    }
  }, 300_000)

  it('leave a webhook delivery in flight on one server to that server while its lease holds, and deliver it from the other once, with the same webhook-id, after the first is killed and the lease lapses', async () => {
    pg = await startPostgres()
    const db = await pg.createDatabase()
    dir = mkdtempSync(join(tmpdir(), 'sopflow-multi-outbox-'))
    const clockFile = join(dir, 'clock')
    writeFileSync(clockFile, '2026-03-02T08:00:00.000Z')
    // The receiver holds the first delivery without answering (a slow receiver) and takes later ones at once.
    const got: string[] = []
    receiver = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        got.push(String(req.headers['webhook-id']))
        if (got.length > 1) res.writeHead(200).end()
      })
    })
    await new Promise<void>((ok) => receiver!.listen(0, '127.0.0.1', ok))
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`
    const a = await bootChild(db, clockFile)
    children.push(a)
    const admin = a.token
    const sub = await api(a.url, 'POST', '/api/webhooks', admin, {
      url: target,
      events: ['ticket.created'],
      allowPrivate: true,
    })
    expect(sub.status, JSON.stringify(sub.body)).toBe(201)
    const sop = {
      schema: 'sopflow/v1',
      id: 'callback',
      title: 'Call back',
      department: 'Care',
      purpose: 'Close a ticket nobody picked up within a day.',
      initial: 'work',
      steps: [
        { id: 'work', kind: 'task', title: 'Work the ticket', roles: ['agent'] },
        { id: 'lapsed', kind: 'end', title: 'Lapsed', outcome: 'no_response' },
      ],
      transitions: [{ id: 'lapse', from: 'work', to: 'lapsed', after: 'P1D' }],
    }
    expect((await api(a.url, 'POST', '/api/sops', admin, { document: sop })).status).toBe(201)
    expect((await api(a.url, 'POST', '/api/sops/callback/publish', admin)).status).toBe(201)
    const opened = await api(a.url, 'POST', '/api/tickets', admin, {
      sopId: 'callback',
      channel: 'phone',
      subject: 'Delivered once',
    })
    expect(opened.status, JSON.stringify(opened.body)).toBe(201)
    await waitFor(
      async () => got.length,
      (n) => n === 1,
    )
    // A holds the lease (one minute on the shared clock) while the receiver has not answered.
    const b = await bootChild(db, clockFile)
    children.push(b)
    await new Promise((r) => setTimeout(r, 1500))
    expect(got).toHaveLength(1)
    await killChild(a.child)
    await new Promise((r) => setTimeout(r, 1000))
    expect(got, 'taken before the lease lapsed').toHaveLength(1)
    writeFileSync(clockFile, '2026-03-02T08:02:00.000Z')
    await waitFor(
      async () => got.length,
      (n) => n >= 2,
      30_000,
    )
    // A moment longer: a third delivery would show now.
    await new Promise((r) => setTimeout(r, 1000))
    expect(got).toHaveLength(2)
    expect(got[0]).toMatch(/^msg_/)
    expect(got[1]).toBe(got[0])
  }, 180_000)
})
