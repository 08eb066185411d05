// Outbox figures: deliveries per second from the worker to a local webhook receiver (signed,
// keep-alive HTTP), and the added cost per action of writing outbox rows with the commit (the same
// commits with and without two outbox rows each, alternating rounds in one run).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { mailSender } from '../server/outbox/mail.ts'
import { webhookSender } from '../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../server/outbox/worker.ts'
import { prepareCommitBatch } from '../server/storage/commitBatch.mjs'
import { SqliteOutbox } from '../server/storage/sqliteOutbox.ts'
import { drawValue } from '../server/surveys/draw.ts'
import { benchDb, commitUnit, compareCommits } from './commitBench.ts'

const log = (line: string) => console.log(line)

const row = (id: string, ticketId: string, target: string, subscriptionId: string | null) => ({
  id,
  kind: 'webhook' as const,
  ticketId,
  event: 'ticket.created',
  target,
  subscriptionId,
  payload: { type: 'ticket.created', timestamp: '2026-03-02T08:00:00.000Z', data: { ticketId } },
  createdAt: '2026-03-02T08:00:00.000Z',
  nextAt: '2026-03-02T08:00:00.000Z',
})

/** One action's commit (the ticket row, one audit record), with `messages` outbox rows. */
const unit = (i: number, messages: number) =>
  commitUnit(
    i,
    i,
    Array.from({ length: messages }, (_, k) => {
      const r = row(`msg_${i}_${k}`, `t_${i}`, 'http://127.0.0.1/x', 'wh_1')
      return { ...r, payload: JSON.stringify(r.payload) }
    }),
  )

export async function runOutboxBench(): Promise<void> {
  log('## outbox')
  // 1. Deliveries per second.
  {
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => res.writeHead(204).end())
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`
    const db = benchDb('outbox')
    const store = new SqliteOutbox(db)
    await store.saveSubscription({
      id: 'wh_1',
      url,
      events: ['ticket.created'],
      sopId: null,
      secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`,
      previousSecret: null,
      previousUntil: null,
      allowPrivate: true,
      active: true,
      createdAt: 'a',
      createdBy: 'u',
    })
    const total = 5000
    await store.enqueue(Array.from({ length: total }, (_, i) => row(`msg_${i}`, `t_${i}`, url, 'wh_1')))
    const clock = () => new Date('2026-03-02T08:00:01.000Z')
    const worker = new OutboxWorker(store, { mail: mailSender(null), webhook: webhookSender(store) }, clock, {
      batch: 64,
    })
    const t = performance.now()
    while ((await worker.tick()) > 0) {}
    const s = (performance.now() - t) / 1000
    const counts = await store.counts()
    if (counts.sent !== total) throw new Error(`only ${counts.sent} of ${total} sent`)
    log(
      `  outbox deliveries: ${Math.round(total / s).toLocaleString('en')} /s (signed webhooks to a local receiver, 64 at once, each marked sent)`,
    )
    db.close()
    await new Promise<void>((ok) => server.close(() => ok()))
  }
  // 2. The added cost per action of writing outbox rows with its commit.
  {
    const withDb = benchDb('outbox')
    const withoutDb = benchDb('outbox')
    const best = compareCommits(
      { with: prepareCommitBatch(withDb), without: prepareCommitBatch(withoutDb) },
      (n, path) => unit(n, path === 'with' ? 2 : 0),
    )
    log(
      `  cost per action (batches of 64): ${best.with.toFixed(1)} µs with 2 outbox rows, ${best.without.toFixed(1)} µs without — ratio ${(best.with / best.without).toFixed(2)}`,
    )
    withDb.close()
    withoutDb.close()
  }
  // 3. The survey draw a closing ticket adds (HMAC-SHA-256 of its id with the SOP's seed).
  {
    const draws = 200_000
    let sampled = 0
    const t = performance.now()
    for (let i = 0; i < draws; i++)
      if (drawValue('bench-survey-seed', `t_${i.toString(16).padStart(20, '0')}`) < 0.3) sampled++
    const us = ((performance.now() - t) * 1000) / draws
    log(
      `  survey draw: ${us.toFixed(2)} µs per closing ticket (${((sampled / draws) * 100).toFixed(1)} % of ${draws.toLocaleString('en')} drawn at a 30 % rate)`,
    )
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runOutboxBench()
