// Outbox figures: deliveries per second from the worker to a local webhook receiver (signed,
// keep-alive HTTP), and the added cost per action of writing outbox rows with the commit (the same
// commits with and without two outbox rows each, alternating rounds in one run).
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { mailSender } from '../server/outbox/mail.ts'
import { webhookSender } from '../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../server/outbox/worker.ts'
import { sha256 } from '../server/services/crypto.ts'
import { prepareCommitBatch } from '../server/storage/commitBatch.mjs'
import { migrate } from '../server/storage/migrations.ts'
import { SqliteOutbox } from '../server/storage/sqliteOutbox.ts'
import { drawValue } from '../server/surveys/draw.ts'

const log = (line: string) => console.log(line)

function fileDb(): Database.Database {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'sopflow-bench-outbox-')), 'b.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = OFF')
  migrate(db)
  return db
}

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
function unit(i: number, messages: number) {
  const id = `t_${i}`
  const hash = sha256(`record ${i}`)
  return {
    id,
    expected: null,
    ticket: {
      id,
      sopId: 's',
      sopVersion: 1,
      sopHash: 'h',
      channel: 'phone',
      customerId: null,
      subject: 'x',
      status: 'open',
      outcome: null,
      priority: 'normal',
      priorityRank: 1,
      assigneeId: null,
      queue: null,
      version: 1,
      createdAt: 'a',
      updatedAt: 'a',
      closedAt: null,
      dueAt: null,
      steps: '[]',
      state: '{}',
      auditSeq: 1,
      auditHead: hash,
    },
    audit: [
      {
        ticketId: id,
        seq: 0,
        type: 'created',
        at: 'a',
        actorId: 'u',
        role: 'agent',
        payload: '{}',
        prevHash: null,
        hash,
      },
    ],
    removeTimers: [],
    scheduleTimers: [],
    idempotency: null,
    outbox: Array.from({ length: messages }, (_, k) => {
      const r = row(`msg_${i}_${k}`, id, 'http://127.0.0.1/x', 'wh_1')
      return { ...r, payload: JSON.stringify(r.payload) }
    }),
  }
}

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
    const db = fileDb()
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
    const withDb = fileDb()
    const withoutDb = fileDb()
    const commitWith = prepareCommitBatch(withDb)
    const commitWithout = prepareCommitBatch(withoutDb)
    const per = { with: [] as number[], without: [] as number[] }
    let n = 0
    for (let round = 0; round < 6; round++) {
      for (const [name, commit, messages] of [
        ['with', commitWith, 2],
        ['without', commitWithout, 0],
      ] as const) {
        const t = performance.now()
        for (let b = 0; b < 40; b++) {
          const units = Array.from({ length: 64 }, (_, i) => unit(n + b * 64 + i, messages))
          for (const o of commit(units as never)) if (!o.ok) throw new Error(o.message)
        }
        n += 40 * 64
        per[name].push((performance.now() - t) / (40 * 64))
      }
    }
    const best = (xs: number[]) => Math.min(...xs) * 1000
    log(
      `  cost per action (batches of 64): ${best(per.with).toFixed(1)} µs with 2 outbox rows, ${best(per.without).toFixed(1)} µs without — ratio ${(best(per.with) / best(per.without)).toFixed(2)}`,
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
