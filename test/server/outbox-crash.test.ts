import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bootChild, type ChildServer } from './child.ts'

async function api(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

/** A receiver that answers slowly (so kills land while deliveries are in flight) and keeps every id it got. */
async function slowReceiver() {
  const got: { id: string; ticketId: string }[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => {
      body += d
    })
    req.on('end', () => {
      got.push({ id: String(req.headers['webhook-id']), ticketId: JSON.parse(body).data.ticketId })
      setTimeout(() => res.writeHead(200).end(), 15)
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, got, server }
}

const children: ChildServer[] = []
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL')
})

describe('the outbox across SIGKILL', () => {
  it('delivers the event of every acknowledged action at least once, by a stable id the receiver dedups to exactly once, and none of an action not committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-outbox-crash-'))
    const db = join(dir, 'db.sqlite')
    const receiver = await slowReceiver()
    let server = await bootChild(db)
    children.push(server)
    const token = server.token
    const sub = await api(server.url, token, 'POST', '/api/webhooks', {
      url: receiver.url,
      events: ['ticket.created'],
      allowPrivate: true,
    })
    expect(sub.status).toBe(201)
    const acknowledged = new Set<string>()
    let killedDuringDelivery = 0
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        server = await bootChild(db)
        children.push(server)
      }
      const url = server.url
      // A stream of actions; the kill comes while some are in flight and deliveries are running.
      const inFlight: Promise<void>[] = []
      let stop = false
      for (let lane = 0; lane < 4; lane++) {
        inFlight.push(
          (async () => {
            while (!stop) {
              try {
                const r = await api(url, token, 'POST', '/api/tickets', {
                  sopId: 'support-ticket',
                  channel: 'chat',
                  subject: `round ${round}`,
                })
                if (r.status === 201) acknowledged.add(r.body.ticket.id)
              } catch {
                return
              }
            }
          })(),
        )
      }
      const before = receiver.got.length
      const ackedBefore = acknowledged.size
      const deadline = Date.now() + 20_000
      // The kill comes once deliveries are running and at least six actions of this round were
      // acknowledged, however fast the machine is.
      while (
        (receiver.got.length < before + 5 + round * 3 || acknowledged.size < ackedBefore + 6) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 5))
      if (receiver.got.length > before) killedDuringDelivery++
      const exited = new Promise((r) => server.child.once('exit', r))
      server.child.kill('SIGKILL')
      stop = true
      await Promise.all(inFlight)
      await exited
    }
    // A last start delivers what is left.
    server = await bootChild(db)
    children.push(server)
    const deadline = Date.now() + 30_000
    let counts: Record<string, number> = {}
    while (Date.now() < deadline) {
      counts = (await api(server.url, token, 'GET', '/api/outbox?limit=1')).body.counts
      if (counts.queued === 0 && counts.sending === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(counts.queued + counts.sending).toBe(0)
    expect(counts.failed).toBe(0)
    expect(killedDuringDelivery).toBe(4)
    expect(acknowledged.size).toBeGreaterThanOrEqual(24)
    // At least once: every acknowledged ticket's event arrived.
    const byId = new Map(receiver.got.map((g) => [g.id, g.ticketId]))
    const delivered = new Set(byId.values())
    expect([...acknowledged].filter((id) => !delivered.has(id))).toEqual([])
    // Exactly once in effect: one id per ticket, so the receiver's dedup by id leaves one event each.
    const idsPerTicket = new Map<string, Set<string>>()
    for (const g of receiver.got)
      idsPerTicket.set(g.ticketId, (idsPerTicket.get(g.ticketId) ?? new Set()).add(g.id))
    expect([...idsPerTicket.values()].filter((ids) => ids.size !== 1)).toEqual([])
    // Nothing for an action that did not commit: every delivered ticket exists.
    for (const ticketId of delivered)
      expect((await api(server.url, token, 'GET', `/api/tickets/${ticketId}`)).status, ticketId).toBe(200)
    console.log(
      `outbox crash: ${acknowledged.size} acknowledged, ${byId.size} distinct messages, ${receiver.got.length - byId.size} redelivered after a kill`,
    )
    server.child.kill('SIGTERM')
    receiver.server.close()
  }, 180_000)
})
