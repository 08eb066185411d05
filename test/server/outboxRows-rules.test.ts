import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { OutboxRow, WebhookSubscription } from '../../server/outbox/outbox.ts'
import { SqliteStorage } from '../../server/storage/sqlite.ts'

/**
 * How outbox messages and webhook subscriptions read back (server/storage/outboxRows.ts), on a
 * real SQLite file that is closed and opened again: every column set comes back as it was stored,
 * and every column left empty comes back as null or false, never as something else.
 */

const T0 = '2026-03-02T09:00:00.000Z'
const T1 = '2026-03-02T09:01:00.000Z'
const T2 = '2026-03-02T09:02:00.000Z'

let storage: SqliteStorage | null = null
let path = ''
afterEach(async () => {
  await storage?.close()
  storage = null
})

function open() {
  path = join(mkdtempSync(join(tmpdir(), 'sopflow-outbox-rows-')), 'db.sqlite')
  storage = new SqliteStorage(path)
  return storage
}

/** The same file opened again: what a restarted server reads. */
async function reopen() {
  await storage?.close()
  storage = new SqliteStorage(path)
  return storage
}

const webhook: OutboxRow = {
  id: 'msg_webhook',
  kind: 'webhook',
  ticketId: 't_0123456789ab',
  event: 'ticket.created',
  target: 'https://hooks.example.com/in',
  subscriptionId: 'wh_1',
  payload: { type: 'ticket.created', data: { id: 't_0123456789ab', n: 1 } },
  createdAt: T0,
  nextAt: T0,
}
const mail: OutboxRow = {
  id: 'msg_mail',
  kind: 'mail',
  ticketId: null,
  event: 'notice',
  target: 'agent@example.com',
  subscriptionId: null,
  payload: { subject: 'Hello' },
  createdAt: T0,
  nextAt: T1,
}

describe('outbox messages as stored (outboxRows.ts toMessage)', () => {
  it('reads a queued message back with its ticket, its subscription and nothing of a delivery yet', async () => {
    const s = open().outbox
    await s.enqueue([webhook, mail])
    const o = (await reopen()).outbox
    expect(await o.get('msg_webhook')).toEqual({
      ...webhook,
      status: 'queued',
      attempts: 0,
      leaseUntil: null,
      sentAt: null,
      lastStatus: null,
      lastError: null,
    })
    expect(await o.get('msg_mail')).toEqual({
      ...mail,
      status: 'queued',
      attempts: 0,
      leaseUntil: null,
      sentAt: null,
      lastStatus: null,
      lastError: null,
    })
  })

  it('reads back the lease, the last status and error of a retry, then when it was sent', async () => {
    const s = open().outbox
    await s.enqueue([webhook])
    await s.lease(T0, T1, 10)
    let o = (await reopen()).outbox
    expect(await o.get('msg_webhook')).toMatchObject({
      status: 'sending',
      attempts: 1,
      leaseUntil: T1,
      sentAt: null,
      lastStatus: null,
      lastError: null,
    })
    await o.record([{ id: 'msg_webhook', outcome: 'retry', nextAt: T1, error: 'HTTP 503', status: 503 }])
    o = (await reopen()).outbox
    expect(await o.get('msg_webhook')).toMatchObject({
      status: 'queued',
      attempts: 1,
      nextAt: T1,
      leaseUntil: null,
      sentAt: null,
      lastStatus: 503,
      lastError: 'HTTP 503',
    })
    await o.lease(T1, T2, 10)
    await o.record([{ id: 'msg_webhook', outcome: 'sent', at: T2, status: 200 }])
    o = (await reopen()).outbox
    const sent = await o.get('msg_webhook')
    expect(sent).toEqual({
      ...webhook,
      nextAt: T1,
      status: 'sent',
      attempts: 2,
      leaseUntil: null,
      sentAt: T2,
      lastStatus: 200,
      lastError: null,
    })
    // The list reads rows the same way.
    expect(await o.list({ limit: 10, offset: 0 })).toEqual([sent])
  })
})

const subscription: WebhookSubscription = {
  id: 'wh_1',
  url: 'http://127.0.0.1:9999/hook',
  events: ['ticket.created', 'ticket.closed'],
  sopId: 'support-ticket',
  secret: 'whsec_new',
  previousSecret: 'whsec_old',
  previousUntil: T2,
  allowPrivate: true,
  active: true,
  createdAt: T0,
  createdBy: 'u_admin',
}
const plain: WebhookSubscription = {
  id: 'wh_2',
  url: 'https://hooks.example.com/in',
  events: ['ticket.note_added'],
  sopId: null,
  secret: 'whsec_plain',
  previousSecret: null,
  previousUntil: null,
  allowPrivate: false,
  active: false,
  createdAt: T1,
  createdBy: 'u_admin',
}

describe('webhook subscriptions as stored (outboxRows.ts toSubscription)', () => {
  it('reads back its SOP, its previous secret and until when, and that private addresses are allowed', async () => {
    const s = open().outbox
    await s.saveSubscription(subscription)
    await s.saveSubscription(plain)
    const o = (await reopen()).outbox
    expect(await o.getSubscription('wh_1')).toEqual(subscription)
    expect(await o.getSubscription('wh_2')).toEqual(plain)
    expect(await o.listSubscriptions()).toEqual([subscription, plain])
    // Only the active one is delivered to.
    expect(await o.subscriptions()).toEqual([subscription])
  })

  it('reads a subscription switched off and on again as it was saved each time', async () => {
    const s = open().outbox
    await s.saveSubscription({ ...subscription, active: false, allowPrivate: false })
    expect(await (await reopen()).outbox.getSubscription('wh_1')).toEqual({
      ...subscription,
      active: false,
      allowPrivate: false,
    })
    await storage?.outbox.saveSubscription(subscription)
    expect(await (await reopen()).outbox.getSubscription('wh_1')).toEqual(subscription)
  })
})
