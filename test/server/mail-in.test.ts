import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { afterEach, describe, expect, it } from 'vitest'
import { startSmtp } from '../../server/channels/smtp.ts'
import { startServer } from '../../server/start.ts'
import { sqliteOf } from '../../server/storage/open.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'
import { bootChild } from './child.ts'
import { setup } from './helpers.ts'

type Setup = Awaited<ReturnType<typeof setup>>
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

/** An app with a support@ mailbox routed to the support SOP, and sopflow's SMTP listener on a free port. */
async function desk(options: { maxBytes?: number } = {}) {
  const s = await setup()
  const conn = await s.call('POST', '/api/channels', s.tokens.owner, {
    kind: 'email',
    name: 'Support mailbox',
    address: 'Support@Desk.example',
    sopId: 'support-ticket',
    queue: 'agent',
    priority: 'high',
  })
  expect(conn.status).toBe(201)
  const smtp = await startSmtp(s.storage, s.sopflow.channels.conversations, {
    port: 0,
    maxBytes: options.maxBytes,
  })
  closers.push(smtp.close)
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
  })
  closers.push(async () => transport.close())
  return { ...s, smtp, transport, connection: conn.body }
}

const tickets = (s: Setup) =>
  s.storage.listTickets({ now: s.clock().toISOString(), limit: 100, offset: 0, sort: 'created' })
const messageCount = (s: Setup) =>
  (s.storage.db.prepare('SELECT count(*) AS n FROM channel_messages').get() as { n: number }).n

describe('e-mail in over SMTP', () => {
  it('a new mail opens a ticket on the routed SOP, with the customer created from the From header', async () => {
    const s = await desk()
    const info = await s.transport.sendMail({
      from: '"Jana Nováková" <jana@example.cz>',
      to: 'support@desk.example',
      subject: 'Reklamace: rozbitá konvice',
      text: 'Dobrý den, konvice nehřeje.',
    })
    expect(info.response).toMatch(/^250 /)
    const [t] = await tickets(s)
    expect(t).toMatchObject({
      sopId: 'support-ticket',
      channel: 'email',
      subject: 'Reklamace: rozbitá konvice',
    })
    expect(t.priority).toBe('high')
    const customer = await s.storage.getCustomer(t.customerId!)
    expect(customer).toMatchObject({ name: 'Jana Nováková', email: 'jana@example.cz' })
    const conv = await s.call('GET', `/api/tickets/${t.id}/conversation`, s.tokens.agent)
    expect(conv.status).toBe(200)
    expect(conv.body.messages).toHaveLength(1)
    expect(conv.body.messages[0]).toMatchObject({
      direction: 'in',
      channel: 'email',
      sender: 'jana@example.cz',
      senderName: 'Jana Nováková',
      text: 'Dobrý den, konvice nehřeje.',
      status: 'opened',
    })
    // A second mail from the same address finds the same customer.
    await s.transport.sendMail({
      from: 'jana@example.cz',
      to: 'support@desk.example',
      subject: 'Jiná věc',
      text: 'x',
    })
    const all = await tickets(s)
    expect(all).toHaveLength(2)
    expect(new Set(all.map((x) => x.customerId))).toEqual(new Set([t.customerId]))
  })

  it('a reply with In-Reply-To, or with [#T-…] in its subject, is added to the ticket, not a new one', async () => {
    const s = await desk()
    const first = await s.transport.sendMail({
      from: 'petr@example.cz',
      to: 'support@desk.example',
      subject: 'Faktura',
      text: 'Chybí faktura.',
    })
    const [t] = await tickets(s)
    await s.transport.sendMail({
      from: 'petr@example.cz',
      to: 'support@desk.example',
      subject: 'Re: Faktura',
      text: 'Už jste ji našli?',
      inReplyTo: first.messageId,
      references: [first.messageId],
    })
    const conv = await s.call('GET', `/api/tickets/${t.id}/conversation`, s.tokens.agent)
    const ref = conv.body.reference as string
    expect(ref).toBe(`T-${t.number}`)
    expect(t.number).toBeGreaterThan(1000)
    await s.transport.sendMail({
      from: 'someone-else@example.cz',
      to: 'support@desk.example',
      subject: `Forwarded about [#${ref}]`,
      text: 'Posílám za kolegu.',
    })
    // A reference of the older form (T- and the id's first 8 characters) still threads.
    await s.transport.sendMail({
      from: 'petr@example.cz',
      to: 'support@desk.example',
      subject: `Re: old thread [#T-${t.id.slice(2, 10)}]`,
      text: 'Ještě jednou.',
    })
    expect(await tickets(s)).toHaveLength(1)
    const after = await s.call('GET', `/api/tickets/${t.id}/conversation`, s.tokens.agent)
    expect(after.body.messages.map((m: { text: string; status: string }) => [m.text, m.status])).toEqual([
      ['Chybí faktura.', 'opened'],
      ['Už jste ji našli?', 'threaded'],
      ['Posílám za kolegu.', 'threaded'],
      ['Ještě jednou.', 'threaded'],
    ])
    // The reference, and its number alone, are found by the inbox search too.
    for (const q of [ref, ref.slice(2)]) {
      const found = await s.call('GET', `/api/tickets?q=${q}`, s.tokens.agent)
      expect(found.body.map((x: { id: string }) => x.id)).toEqual([t.id])
    }
  })

  it('auto-replies, bulk mail, bounces and mailer-daemon never open a ticket', async () => {
    const s = await desk()
    const send = (extra: Record<string, unknown>) =>
      s.transport.sendMail({
        to: 'support@desk.example',
        subject: 'Out of office',
        text: 'I am away.',
        ...extra,
      })
    await send({ from: 'away@example.cz', headers: { 'Auto-Submitted': 'auto-replied' } })
    await send({ from: 'list@example.cz', headers: { Precedence: 'bulk' } })
    await send({ from: 'bot@example.cz', headers: { 'X-Autoreply': 'yes' } })
    await send({ from: 'MAILER-DAEMON@mx.example.cz' })
    await send({ from: 'x@example.cz', envelope: { from: '', to: 'support@desk.example' } })
    expect(await tickets(s)).toHaveLength(0)
    const stored = s.storage.db.prepare('SELECT status, ticket_id FROM channel_messages').all()
    expect(stored).toEqual(Array(5).fill({ status: 'noise', ticket_id: null }))
    expect((s.storage.db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n).toBe(0)
  })

  it('an oversized mail gets 552 and writes nothing; an unknown recipient gets 550', async () => {
    const s = await desk({ maxBytes: 20_000 })
    const big = s.transport.sendMail({
      from: 'big@example.cz',
      to: 'support@desk.example',
      subject: 'Big',
      text: 'x'.repeat(50_000),
    })
    await expect(big).rejects.toMatchObject({ responseCode: 552 })
    const unknown = s.transport.sendMail({
      from: 'a@example.cz',
      to: 'nobody@desk.example',
      subject: 'Hi',
      text: 'x',
    })
    await expect(unknown).rejects.toMatchObject({ responseCode: 550 })
    expect(messageCount(s)).toBe(0)
    expect(await tickets(s)).toHaveLength(0)
  })

  it('stores allowed attachments, downloadable by readers of the ticket; lists a refused one with why', async () => {
    const s = await desk()
    await s.transport.sendMail({
      from: 'foto@example.cz',
      to: 'support@desk.example',
      subject: 'Fotky',
      text: 'V příloze.',
      attachments: [
        { filename: 'receipt.txt', content: 'Paid 499 CZK', contentType: 'text/plain' },
        { filename: 'run.exe', content: Buffer.from('MZ...'), contentType: 'application/x-msdownload' },
      ],
    })
    const [t] = await tickets(s)
    const conv = await s.call('GET', `/api/tickets/${t.id}/conversation`, s.tokens.agent)
    const atts = conv.body.messages[0].attachments
    expect(atts.map((a: { filename: string; refused: string | null }) => [a.filename, a.refused])).toEqual([
      ['receipt.txt', null],
      ['run.exe', 'type application/x-msdownload is not allowed'],
    ])
    const file = await s.call('GET', `/api/attachments/${atts[0].id}`, s.tokens.agent)
    expect(file.status).toBe(200)
    expect(file.body).toBe('Paid 499 CZK')
    expect((await s.call('GET', `/api/attachments/${atts[1].id}`, s.tokens.agent)).status).toBe(404)
    expect((await s.call('GET', `/api/attachments/${atts[0].id}`, null)).status).toBe(401)
  })

  it('a mail it cannot read is stored raw for inspection, acknowledged and not lost', async () => {
    const s = await desk()
    const raw = 'Subject: no sender at all\r\n\r\nbody\r\n'
    const info = await s.transport.sendMail({ envelope: { from: '', to: 'support@desk.example' }, raw })
    expect(info.response).toMatch(/^250 /)
    const row = s.storage.db.prepare('SELECT status, raw FROM channel_messages').get() as {
      status: string
      raw: Buffer
    }
    expect(row.status).toBe('malformed')
    expect(row.raw.toString()).toContain('no sender at all')
    const held = await s.call('GET', '/api/channels/held?status=malformed', s.tokens.owner)
    expect(held.body).toHaveLength(1)
    expect(held.body[0].rawBytes).toBe(row.raw.length)
    expect((await s.call('GET', '/api/channels/held', s.tokens.agent)).status).toBe(403)
  })

  it('offers STARTTLS when a certificate is configured, and not without one', async () => {
    const s = await setup()
    await s.call('POST', '/api/channels', s.tokens.owner, {
      kind: 'email',
      name: 'Support',
      address: 'support@desk.example',
      sopId: 'support-ticket',
    })
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-tls-'))
    const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    )
    const tls = await startSmtp(s.storage, s.sopflow.channels.conversations, { port: 0, certFile, keyFile })
    const plain = await startSmtp(s.storage, s.sopflow.channels.conversations, { port: 0 })
    closers.push(tls.close, plain.close)
    const mail = { from: 'tls@example.cz', to: 'support@desk.example', subject: 'Over TLS', text: 'secret' }
    const client = (port: number) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      })
    const info = await client(tls.port).sendMail(mail)
    expect(info.response).toMatch(/^250 /)
    await expect(client(plain.port).sendMail(mail)).rejects.toThrow(/STARTTLS/)
    expect(await tickets(s)).toHaveLength(1)
  })

  it('a message stored before its new ticket committed gets that ticket, once, at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-recover-'))
    const dbPath = join(dir, 'db.sqlite')
    const first = await startServer({ dbPath, port: 0 })
    const conn = await first.app.channels.connections.create({
      kind: 'email',
      name: 'Support',
      address: 'support@desk.example',
      sopId: 'support-ticket',
      priority: 'normal',
      settings: {},
      enabled: true,
    })
    await first.close()
    // What a crash leaves between storing the message and committing its ticket.
    const storage = new SqliteStorage(dbPath)
    await storage.channels.addMessage(
      {
        id: 'msg_crashed',
        connectionId: conn.id,
        ticketId: 't_0123456789abcdef0123',
        followsTicketId: null,
        direction: 'in',
        channel: 'email',
        status: 'pending',
        sender: 'late@example.cz',
        senderName: 'Late Customer',
        subject: 'Stored, then the power went',
        text: 'Hello?',
        html: null,
        externalId: '<late@example.cz>',
        conversationId: null,
        refs: [],
        raw: null,
        at: new Date().toISOString(),
      },
      [],
    )
    await storage.close()
    for (let start = 0; start < 2; start++) {
      const again = await startServer({ dbPath, port: 0 })
      const t = await again.storage.getTicket('t_0123456789abcdef0123')
      expect(t).toMatchObject({
        subject: 'Stored, then the power went',
        channel: 'email',
        sopId: 'support-ticket',
      })
      expect((await again.storage.getCustomer(t!.customerId!))?.name).toBe('Late Customer')
      const rows = sqliteOf(again.storage).db.prepare('SELECT status FROM channel_messages').all()
      expect(rows).toEqual([{ status: 'opened' }])
      expect(sqliteOf(again.storage).db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 1 })
      // The message joins the new ticket's chain, once.
      const audit = await again.storage.getAudit(t!.id)
      expect(audit.map((a) => [a.type, (a.payload as { messageId?: string }).messageId])).toEqual([
        ['created', undefined],
        ['message', 'msg_crashed'],
      ])
      expect((await again.app.tickets.verify(t!.id)).ok).toBe(true)
      await again.close()
    }
  })

  it('SIGKILL right after the 250 keeps the message and its ticket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-mail-'))
    const db = join(dir, 'db.sqlite')
    const server = await bootChild(db, {}, ['--smtp-port', '0'])
    let killed = false
    closers.push(async () => {
      if (!killed) server.child.kill('SIGKILL')
    })
    const smtpPort = Number(/over SMTP on port (\d+)/.exec(server.output())?.[1])
    const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }
    const made = await fetch(`${server.url}/api/channels`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        kind: 'email',
        name: 'Support',
        address: 'support@desk.example',
        sopId: 'support-ticket',
      }),
    })
    expect(made.status).toBe(201)
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true })
    const info = await transport.sendMail({
      from: '"Eva" <eva@example.cz>',
      to: 'support@desk.example',
      subject: 'Kept through a crash',
      text: 'Please keep me.',
    })
    expect(info.response).toMatch(/^250 /)
    server.child.kill('SIGKILL')
    killed = true
    transport.close()
    await new Promise((ok) => server.child.once('exit', ok))
    const again = await bootChild(db)
    closers.push(async () => {
      again.child.kill('SIGKILL')
    })
    const list = await fetch(`${again.url}/api/tickets?channel=email`, { headers: auth })
    const rows = (await list.json()) as { id: string; subject: string; customerName: string }[]
    expect(rows.map((r) => [r.subject, r.customerName])).toEqual([['Kept through a crash', 'Eva']])
    const conv = await fetch(`${again.url}/api/tickets/${rows[0].id}/conversation`, { headers: auth })
    expect(((await conv.json()) as { messages: { text: string }[] }).messages.map((m) => m.text)).toEqual([
      'Please keep me.',
    ])
  }, 60_000)
})
