import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bootChild } from './child.ts'

const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
})

/** One client with one keep-alive connection: every request of a client reuses it. */
function client(url: string, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; connection: string | undefined; body: any }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body)
      const req = request(`${url}${path}`, {
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...(data ? { 'content-length': Buffer.byteLength(data) } : {}),
        },
      })
      req.on('response', (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => {
          text += d
        })
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            body: JSON.parse(text),
          }),
        )
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(data)
    })
  return { call, close: () => agent.destroy() }
}

/** Resolves once a new connection to the server is refused. */
async function refusesConnections(url: string): Promise<void> {
  const { hostname, port } = new URL(url)
  for (;;) {
    const refused = await new Promise<boolean>((ok) => {
      const socket = connect(Number(port), hostname)
      socket.once('connect', () => {
        socket.destroy()
        ok(false)
      })
      socket.once('error', () => ok(true))
    })
    if (refused) return
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('SIGTERM under keep-alive write load', () => {
  it('exits within the 10 s bound, and after a restart every acknowledged write is there and every chain verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-shutdown-'))
    const db = join(dir, 'shutdown.sqlite')
    let server = await bootChild(db)
    children.push(server.child)
    const adminToken = server.token
    const admin = client(server.url, adminToken)
    const tokens: string[] = []
    for (let n = 0; n < 6; n++) {
      const r = await admin.call('POST', '/api/users', { name: `Agent ${n}`, role: 'agent' })
      expect(r.status).toBe(201)
      tokens.push(r.body.token)
    }
    /** Acknowledged writes: ticket id → the notes the server answered 201 for. */
    const acknowledged = new Map<string, string[]>()
    let signalled = 0
    let afterSignal = 0
    let stop = false
    const work = async (token: string, n: number) => {
      const c = client(server.url, token)
      let i = 0
      while (!stop) {
        i++
        try {
          const created = await c.call('POST', '/api/tickets', {
            sopId: 'support-ticket',
            channel: 'phone',
            subject: `agent ${n} #${i}`,
            assignToMe: true,
          })
          if (created.status !== 201) continue
          if (signalled) afterSignal++
          const id = created.body.ticket.id as string
          acknowledged.set(id, [])
          for (let k = 0; k < 3 && !stop; k++) {
            const text = `note ${k} of agent ${n}`
            const note = await c.call('POST', `/api/tickets/${id}/notes`, { text })
            if (note.status === 201) acknowledged.get(id)!.push(text)
          }
        } catch {
          // The server stopped under this request: it was not acknowledged.
          if (signalled) await new Promise((r) => setTimeout(r, 20))
        }
      }
      c.close()
    }
    const agents = tokens.map((t, n) => work(t, n))
    await new Promise((r) => setTimeout(r, 2000))
    expect(acknowledged.size).toBeGreaterThan(5)

    // One request is held in flight across the signal: its headers are in, its body is not.
    const held = await admin.call('POST', '/api/tickets', {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: 'held across the signal',
      assignToMe: true,
    })
    expect(held.status).toBe(201)
    let heldRequest: ReturnType<typeof request> | undefined
    let received: () => void = () => {}
    const serverHasIt = new Promise<void>((ok) => (received = ok))
    const heldBody = JSON.stringify({ text: 'written while draining' })
    const heldAnswer = new Promise<{ status: number; connection: string | undefined }>((ok, fail) => {
      const req = request(`${server.url}/api/tickets/${held.body.ticket.id}/notes`, {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(heldBody),
          // The server answers 100 Continue once it has the request's headers.
          expect: '100-continue',
        },
      })
      req.on('continue', () => {
        req.write(heldBody.slice(0, 5))
        received()
      })
      req.on('response', (res) => {
        res.resume()
        res.on('end', () => ok({ status: res.statusCode ?? 0, connection: res.headers.connection }))
      })
      req.on('error', fail)
      heldRequest = req
    })
    await serverHasIt

    const exited = new Promise<{ code: number | null; at: number }>((ok) =>
      server.child.once('exit', (code) => ok({ code, at: Date.now() })),
    )
    signalled = Date.now()
    server.child.kill('SIGTERM')
    // The rest of the body goes once the server is draining: it refuses new connections.
    await refusesConnections(server.url)
    heldRequest!.end(heldBody.slice(5))
    const heldReply = await heldAnswer
    const { code, at } = await exited
    stop = true
    await Promise.all(agents)
    admin.close()
    expect(code).toBe(0)
    expect(at - signalled).toBeLessThan(10_000)
    // The request in flight at the signal was answered, and its connection told to close.
    expect(heldReply).toEqual({ status: 201, connection: 'close' })
    acknowledged.set(held.body.ticket.id, ['written while draining'])
    expect(afterSignal).toBeLessThan(50)

    server = await bootChild(db)
    children.push(server.child)
    const check = client(server.url, adminToken)
    for (const [id, notes] of acknowledged) {
      const t = await check.call('GET', `/api/tickets/${id}`)
      expect(t.status).toBe(200)
      const stored = (t.body.notes as { text: string }[]).map((x) => x.text)
      for (const text of notes) expect(stored).toContain(text)
      const v = await check.call('GET', `/api/tickets/${id}/verify`)
      expect(v.body.ok, `${id}: ${JSON.stringify(v.body.problems)}`).toBe(true)
    }
    check.close()
    server.child.kill('SIGTERM')
    await new Promise((r) => server.child.once('exit', r))
  }, 120_000)
})
