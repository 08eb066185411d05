import { createPublicKey, verify } from 'node:crypto'
import pg from 'pg'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedBytes } from '../../server/ledger/treeHead.ts'
import { api, startTwoServers, type TwoServers } from './twoServers.ts'

/**
 * Two `sopflow serve` processes on one PostgreSQL database, as behind a load balancer: whatever
 * one server committed, signed, stored or revoked, the other honours at the next request.
 */
let two: TwoServers
let A = ''
let B = ''
let admin = ''

beforeAll(async () => {
  two = await startTwoServers()
  A = two.servers[0].url
  B = two.servers[1].url
  admin = two.token
}, 180_000)
afterAll(async () => {
  await two?.stop()
}, 60_000)

async function person(base: string, name: string, role: string): Promise<{ id: string; token: string }> {
  const r = await api(base, 'POST', '/api/users', admin, { name, role })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { id: r.body.user.id, token: r.body.token }
}

async function openTicket(base: string, token: string, subject: string) {
  const r = await api(base, 'POST', '/api/tickets', token, {
    sopId: 'support-ticket',
    channel: 'phone',
    subject,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body.ticket as { id: string; version: number }
}

/** Reads a server-sent event stream, collecting each `notice` event's notice. */
function noticeStream(base: string, token: string) {
  const notices: { id: string; userId: string }[] = []
  const ctl = new AbortController()
  let opened: () => void
  const ready = new Promise<void>((ok) => (opened = ok))
  const done = (async () => {
    const res = await fetch(`${base}/api/notifications/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ctl.signal,
    })
    const reader = res.body!.getReader()
    let buf = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buf += Buffer.from(value).toString('utf8')
      let end = buf.indexOf('\n\n')
      while (end >= 0) {
        const block = buf.slice(0, end)
        buf = buf.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event === 'unread') opened!()
        if (event === 'notice' && data) notices.push(JSON.parse(data).notice)
        end = buf.indexOf('\n\n')
      }
    }
  })().catch(() => {})
  return {
    notices,
    ready,
    async close() {
      ctl.abort()
      await done
    },
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('two servers on one PostgreSQL', () => {
  it('sign tree heads with the same ledger key, each head verifying with the key the other publishes', async () => {
    const keysA = await api(A, 'GET', '/api/keys', admin)
    const keysB = await api(B, 'GET', '/api/keys', admin)
    expect(keysA.status).toBe(200)
    expect(keysB.body).toEqual(keysA.body)
    await openTicket(A, admin, 'Signed on A')
    const headA = (await api(A, 'GET', '/api/ledger/head', admin)).body
    await openTicket(B, admin, 'Signed on B')
    const headB = (await api(B, 'GET', '/api/ledger/head', admin)).body
    expect(headB.size).toBeGreaterThan(headA.size)
    const publicKey = createPublicKey(keysA.body[0].pem)
    for (const h of [headA, headB]) {
      expect(h.keyId).toBe(keysA.body[0].keyId)
      expect(verify(null, signedBytes(h), publicKey, Buffer.from(h.signature, 'base64'))).toBe(true)
    }
  })

  it('let exactly one of 50 clients (half on each server) win each version of one ticket, and the chain verifies on both', async () => {
    const agent = await person(A, 'Hà Trần', 'agent')
    const t = await openTicket(A, agent.token, 'Raced')
    const claimed = await api(B, 'POST', `/api/tickets/${t.id}/claim`, agent.token, { version: t.version })
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200)
    let version = claimed.body.ticket.version as number
    const winners: string[] = []
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api(i % 2 ? B : A, 'POST', `/api/tickets/${t.id}/update`, agent.token, {
            version,
            fields: { customer_name: `client ${round}-${i}` },
          }),
        ),
      )
      const won = answers.filter((a) => a.status === 200)
      expect(won, `round ${round}`).toHaveLength(1)
      expect(answers.filter((a) => a.status === 409)).toHaveLength(49)
      expect(won[0].body.ticket.version).toBe(version + 1)
      winners.push(won[0].body.ticket.state.context.fields.customer_name)
      version = won[0].body.ticket.version
    }
    for (const base of [A, B]) {
      const ticket = await api(base, 'GET', `/api/tickets/${t.id}`, agent.token)
      expect(ticket.body.ticket.version).toBe(version)
      expect(ticket.body.ticket.state.context.fields.customer_name).toBe(winners.at(-1))
      const checked = await api(base, 'GET', `/api/tickets/${t.id}/verify`, admin)
      expect(checked.body, JSON.stringify(checked.body)).toMatchObject({ ok: true, chain: { ok: true } })
      expect(checked.body.ledger.ok).toBe(true)
    }
    const history = await api(A, 'GET', `/api/tickets/${t.id}/history`, admin)
    const updates = (history.body.items ?? history.body.audit ?? history.body).filter(
      (a: { type: string }) => a.type === 'update',
    )
    expect(updates).toHaveLength(4)
  })

  it('number tickets opened at the same moment on both servers each differently, refusing none', async () => {
    const opened = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        api(i % 2 ? B : A, 'POST', '/api/tickets', admin, {
          sopId: 'support-ticket',
          channel: 'phone',
          subject: `At once ${i}`,
        }),
      ),
    )
    expect(opened.map((o) => o.status)).toEqual(Array(64).fill(201))
    const numbers = opened.map((o) => o.body.ticket.number as number)
    expect(numbers.every((n) => Number.isInteger(n))).toBe(true)
    expect(new Set(numbers).size).toBe(64)
  })

  it('refuse, at the next request on the other server, a token revoked and a user disabled on one', async () => {
    const agent = await person(A, 'Petra Nováková', 'agent')
    expect((await api(B, 'GET', '/api/me', agent.token)).status).toBe(200)
    const second = await api(B, 'POST', '/api/tokens', agent.token, { name: 'script', scopes: ['read'] })
    expect(second.status, JSON.stringify(second.body)).toBe(201)
    expect((await api(A, 'GET', '/api/me', second.body.secret)).status).toBe(200)
    expect((await api(B, 'GET', '/api/me', second.body.secret)).status).toBe(200)
    const revoked = await api(A, 'DELETE', `/api/tokens/${second.body.token.id}`, agent.token)
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    expect((await api(B, 'GET', '/api/me', second.body.secret)).status).toBe(401)
    expect((await api(B, 'GET', '/api/me', agent.token)).status).toBe(200)
    const disabled = await api(B, 'POST', `/api/users/${agent.id}/disable`, admin)
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200)
    expect((await api(A, 'GET', '/api/me', agent.token)).status).toBe(401)
    expect((await api(B, 'GET', '/api/me', agent.token)).status).toBe(401)
  })

  it('bring every notice committed through either server live to the streams on both', async () => {
    const agent = await person(A, 'Minh Lê', 'agent')
    const onA = noticeStream(A, agent.token)
    const onB = noticeStream(B, agent.token)
    try {
      await Promise.all([onA.ready, onB.ready])
      const ids: string[] = []
      for (let i = 0; i < 4; i++) {
        const base = i % 2 ? B : A
        const t = await openTicket(base, admin, `Assigned ${i}`)
        const r = await api(base, 'POST', `/api/tickets/${t.id}/assign`, admin, {
          userId: agent.id,
          version: t.version,
        })
        expect(r.status, JSON.stringify(r.body)).toBe(200)
        ids.push(t.id)
      }
      await until(() => onA.notices.length >= 4 && onB.notices.length >= 4, 'four notices on each stream')
      for (const s of [onA, onB]) {
        expect(s.notices.map((n) => n.userId)).toEqual([agent.id, agent.id, agent.id, agent.id])
        expect(new Set(s.notices.map((n) => (n as { ticketId?: string }).ticketId))).toEqual(new Set(ids))
      }
    } finally {
      await onA.close()
      await onB.close()
    }
  })

  it('bring to the live streams a notice sent while the servers were reopening their listening connections, each notice once', async () => {
    const agent = await person(A, 'Jan Novák', 'agent')
    const onA = noticeStream(A, agent.token)
    const onB = noticeStream(B, agent.token)
    const db = new pg.Client({ connectionString: two.db })
    await db.connect()
    const listening = async () =>
      (await db.query("SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN sopflow_notices'")).rows.map(
        (r) => r.pid as number,
      )
    const assign = async (subject: string) => {
      const t = await openTicket(A, admin, subject)
      const r = await api(A, 'POST', `/api/tickets/${t.id}/assign`, admin, {
        userId: agent.id,
        version: t.version,
      })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      return t.id
    }
    try {
      await Promise.all([onA.ready, onB.ready])
      expect(await listening()).toHaveLength(2)
      const before = await assign('Assigned before the drop')
      await until(() => onA.notices.length >= 1 && onB.notices.length >= 1, 'the first notice on each stream')
      for (const pid of await listening()) await db.query('SELECT pg_terminate_backend($1)', [pid])
      await until(async () => (await listening()).length === 0, 'both listening connections gone')
      const inGap = await assign('Assigned while not listening')
      // Still in the gap: the servers open their listening connections again a second after a drop.
      expect(await listening(), 'the notice went out while nobody listened').toHaveLength(0)
      await until(async () => (await listening()).length === 2, 'both servers listening again')
      await until(
        () => onA.notices.length >= 1 && onB.notices.length >= 1,
        'the missed notice on each stream',
      )
      const after = await assign('Assigned after listening again')
      await until(() => onA.notices.length >= 3 && onB.notices.length >= 3, 'the next notice on each stream')
      // A moment longer: a notice handed out twice would show now.
      await new Promise((r) => setTimeout(r, 500))
      for (const s of [onA, onB])
        expect(s.notices.map((n) => (n as { ticketId?: string }).ticketId)).toEqual([before, inGap, after])
    } finally {
      await db.end()
      await onA.close()
      await onB.close()
    }
  })

  it('serve from server B, byte for byte, an attachment that came in a chat message through server A', async () => {
    const conn = await api(A, 'POST', '/api/channels', admin, {
      kind: 'webhook',
      name: 'Zalo chat',
      address: 'zalo',
      channel: 'chat',
      sopId: 'support-ticket',
    })
    expect(conn.status, JSON.stringify(conn.body)).toBe(201)
    // Bytes that are not text, so nothing on the way may recode them.
    const content = Buffer.concat([
      Buffer.from('Biên lai: 499 000 ₫\n'),
      Buffer.from([0, 255, 128, 10, 13, 1]),
    ])
    const body = JSON.stringify({
      sender: { phone: '+84 90 123 4567', name: 'Nguyễn Văn An' },
      conversationId: 'conv-receipt',
      messageId: 'zalo-receipt-1',
      text: 'Ảnh biên lai đính kèm.',
      attachments: [
        {
          filename: 'receipt.png',
          contentType: 'image/png',
          content: content.toString('base64'),
        },
      ],
    })
    const at = new Date()
    const res = await fetch(`${A}${conn.body.inboundUrl}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_receipt_1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(conn.body.secret).sign('msg_receipt_1', at, body),
      },
      body,
    })
    const taken = await res.json()
    expect(res.status, JSON.stringify(taken)).toBe(200)
    expect(taken).toMatchObject({ status: 'opened', duplicate: false })
    const conv = await api(B, 'GET', `/api/tickets/${taken.ticketId}/conversation`, admin)
    expect(conv.status, JSON.stringify(conv.body)).toBe(200)
    expect(conv.body.messages).toHaveLength(1)
    const files = conv.body.messages[0].attachments as {
      id: string
      filename: string
      refused: string | null
    }[]
    expect(files).toMatchObject([{ filename: 'receipt.png', size: content.length, refused: null }])
    const file = await fetch(`${B}/api/attachments/${files[0].id}`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer())).toEqual(content)
  })
})
