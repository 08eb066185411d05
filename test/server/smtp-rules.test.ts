import { connect, createServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startSmtp } from '../../server/channels/smtp.ts'
import { setup } from './helpers.ts'

// The rules of sopflow's SMTP listener (server/channels/smtp.ts), spoken line by line over a real
// socket: its greeting and extensions, the replies to an unknown or disabled mailbox, to a mail too
// large and to one that cannot be stored, which mailbox a mail to two of them goes to, and a port
// that is taken.

type Ctx = Awaited<ReturnType<typeof setup>>
const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

/** A plain SMTP client: `say` sends a line (or nothing) and resolves with the server's whole reply. */
async function dial(port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  closers.push(async () => socket.destroy())
  let buffer = ''
  let waiting: ((reply: string) => void) | null = null
  const complete = () => {
    // A reply is complete at a line "NNN text" (not "NNN-text").
    const m = /(^|\r\n)\d{3} [^\r\n]*\r\n$/.exec(buffer)
    if (m && waiting) {
      const reply = buffer
      buffer = ''
      const w = waiting
      waiting = null
      w(reply)
    }
  }
  socket.on('data', (d) => {
    buffer += d.toString('utf8')
    complete()
  })
  const say = (line: string | null) =>
    new Promise<string>((ok) => {
      waiting = ok
      if (line !== null) socket.write(`${line}\r\n`)
      complete()
    })
  return { say, greeting: await say(null) }
}

async function mailbox(c: Ctx, address: string, sopId = 'support-ticket') {
  const r = await c.call('POST', '/api/channels', c.tokens.owner, {
    kind: 'email',
    name: address,
    address,
    sopId,
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body as { id: string }
}

describe('SMTP listener rules', () => {
  it('greets as sopflow, offers the size limit and neither AUTH nor STARTTLS without a certificate', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0, maxBytes: 4096 })
    closers.push(smtp.close)
    const { say, greeting } = await dial(smtp.port)
    expect(greeting).toMatch(/^220 sopflow ESMTP sopflow ready\r\n$/)
    const ehlo = await say('EHLO client.example')
    expect(ehlo).toMatch(/^250-sopflow /)
    expect(ehlo).toMatch(/^250[- ]SIZE 4096\r$/m)
    expect(ehlo).not.toMatch(/AUTH/)
    expect(ehlo).not.toMatch(/STARTTLS/)
  })

  it('refuses an unknown mailbox and a disabled one with 550, naming the address', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const off = await mailbox(c, 'old@desk.example')
    await c.call('PATCH', `/api/channels/${off.id}`, c.tokens.owner, { enabled: false })
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0 })
    closers.push(smtp.close)
    const { say } = await dial(smtp.port)
    await say('EHLO client.example')
    expect(await say('MAIL FROM:<lan@example.com>')).toMatch(/^250 /)
    expect(await say('RCPT TO:<nobody@desk.example>')).toBe(
      '550 5.1.1 No mailbox here for <nobody@desk.example>\r\n',
    )
    expect(await say('RCPT TO:<old@desk.example>')).toBe(
      '550 5.1.1 No mailbox here for <old@desk.example>\r\n',
    )
  })

  it('a mail to two mailboxes goes to the first one named; its 250 names the stored message', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const first = await mailbox(c, 'first@desk.example')
    await mailbox(c, 'second@desk.example')
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0 })
    closers.push(smtp.close)
    const { say } = await dial(smtp.port)
    await say('EHLO client.example')
    await say('MAIL FROM:<lan@example.com>')
    expect(await say('RCPT TO:<first@desk.example>')).toMatch(/^250 /)
    expect(await say('RCPT TO:<second@desk.example>')).toMatch(/^250 /)
    expect(await say('DATA')).toMatch(/^354 /)
    const stored = await say('From: Lan <lan@example.com>\r\nSubject: Card blocked\r\n\r\nPlease help.\r\n.')
    const id = /^250 2\.0\.0 Stored as (msg_\w+)\r\n$/.exec(stored)?.[1]
    expect(id, stored).toBeTruthy()
    const row = c.storage.db.prepare('SELECT connection_id FROM channel_messages WHERE id = ?').get(id) as {
      connection_id: string
    }
    expect(row.connection_id).toBe(first.id)
  })

  it('a mail over the limit gets 552 with the limit; one that cannot be stored gets 451 and is logged', async () => {
    const c = await setup()
    await mailbox(c, 'help@desk.example')
    const lines: string[] = []
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, {
      port: 0,
      maxBytes: 200,
      log: (l) => lines.push(l),
    })
    closers.push(smtp.close)
    const big = await dial(smtp.port)
    await big.say('EHLO client.example')
    await big.say('MAIL FROM:<lan@example.com>')
    await big.say('RCPT TO:<help@desk.example>')
    await big.say('DATA')
    expect(await big.say(`Subject: Big\r\n\r\n${'x'.repeat(500)}\r\n.`)).toBe(
      '552 5.3.4 The message is larger than 200 bytes\r\n',
    )
    // The database goes away between the recipient and the data.
    const lost = await dial(smtp.port)
    await lost.say('EHLO client.example')
    await lost.say('MAIL FROM:<lan@example.com>')
    expect(await lost.say('RCPT TO:<help@desk.example>')).toMatch(/^250 /)
    await lost.say('DATA')
    await c.storage.close()
    expect(await lost.say('Subject: Hi\r\n\r\nHello\r\n.')).toBe('451 4.3.0 Not stored; try again later\r\n')
    expect(lines.length).toBe(1)
    expect(lines[0]).toMatch(/^smtp: .+/)
    // And a recipient looked up then: 451 with the reason.
    const late = await dial(smtp.port)
    await late.say('EHLO client.example')
    await late.say('MAIL FROM:<lan@example.com>')
    expect(await late.say('RCPT TO:<help@desk.example>')).toMatch(/^451 4\.3\.0 .+/)
  })

  it('listens on 127.0.0.1 unless told otherwise, fails to start on a port that is taken, and stops listening when closed', async () => {
    const c = await setup()
    closers.push(() => c.storage.close())
    const taken = createServer()
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok))
    closers.push(() => new Promise((ok) => taken.close(ok)))
    const port = (taken.address() as { port: number }).port
    await expect(startSmtp(c.storage, c.sopflow.channels.conversations, { port })).rejects.toThrow(
      /EADDRINUSE/,
    )
    const smtp = await startSmtp(c.storage, c.sopflow.channels.conversations, { port: 0 })
    // Another loopback address is free on the same port: only 127.0.0.1 is taken.
    const beside = createServer()
    const besideStarted = await new Promise<boolean>((ok) => {
      beside.once('error', () => ok(false))
      beside.listen(smtp.port, '127.0.0.2', () => ok(true))
    })
    if (besideStarted) await new Promise((ok) => beside.close(ok))
    expect(besideStarted).toBe(true)
    await smtp.close()
    const refused = await new Promise<boolean>((ok) => {
      const s = connect(smtp.port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        ok(false)
      })
      s.once('error', () => ok(true))
    })
    expect(refused).toBe(true)
  })
})
