/**
 * Inbound mail: messages sent over SMTP (nodemailer's client, pooled connections) to sopflow's
 * listener on a real database, each acknowledged only after it and its new ticket committed.
 * Prints mails per second: new tickets, and replies threaded by In-Reply-To.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { startServer } from '../server/start.ts'
import { sqliteOf } from '../server/storage/open.ts'

async function sendAll(port: number, mails: SendMailOptions[], connections: number) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  })
  const started = performance.now()
  const infos = await Promise.all(mails.map((m) => transport.sendMail(m)))
  const seconds = (performance.now() - started) / 1000
  transport.close()
  return { seconds, infos }
}

export async function runMailBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-bench-mail-'))
  const server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0, smtpPort: 0 })
  try {
    const res = await fetch(`${server.url}/api/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'email',
        name: 'Support',
        address: 'support@bench.example',
        sopId: 'support-ticket',
      }),
    })
    if (res.status !== 201) throw new Error(`no mailbox: ${await res.text()}`)
    const port = server.smtpPort as number
    const count = Number(process.env.BENCH_MAILS ?? 400)
    const connections = 8
    const news = Array.from({ length: count }, (_, i) => ({
      from: `"Customer ${i}" <customer${i % 50}@example.com>`,
      to: 'support@bench.example',
      subject: `Order ${i} did not arrive`,
      text: `Hello, my order ${i} has not arrived yet. Please check.\n\nThanks`,
    }))
    const opened = await sendAll(port, news, connections)
    const replies = opened.infos.map((info, i) => ({
      from: `customer${i % 50}@example.com`,
      to: 'support@bench.example',
      subject: `Re: Order ${i} did not arrive`,
      text: 'Any news?',
      inReplyTo: info.messageId,
      references: [info.messageId],
    }))
    const threaded = await sendAll(port, replies, connections)
    const tickets = (
      sqliteOf(server.storage)
        .db.prepare("SELECT count(*) AS n FROM tickets WHERE channel = 'email'")
        .get() as {
        n: number
      }
    ).n
    console.log(
      '## mail: inbound over SMTP into tickets (nodemailer pool of 8 connections, synchronous=FULL)',
    )
    console.log(
      `new mails, each opening a ticket:   ${(count / opened.seconds).toFixed(0).padStart(6)} mails/s  (${count} in ${opened.seconds.toFixed(2)} s)`,
    )
    console.log(
      `replies, threaded by In-Reply-To:    ${(count / threaded.seconds).toFixed(0).padStart(6)} mails/s  (${count} in ${threaded.seconds.toFixed(2)} s)`,
    )
    console.log(`tickets opened: ${tickets} (expected ${count})`)
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
