import { describe, expect, it } from 'vitest'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { ConflictError, Storage, User } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'
import { BACKENDS, type OpenedStorage, useBackend } from './storageBackends.ts'

/**
 * The storage contract, run on every backend: the same calls must give the same results on the
 * embedded SQLite and on PostgreSQL.
 */
async function seeded(open: () => Promise<OpenedStorage>) {
  const opened = await open()
  const { storage } = opened
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  return { ...opened, admin, version }
}

async function createTicket(storage: Storage, id: string, version: number, admin: User) {
  const outcome = await storage.commitTickets([newTicket(id, version, admin.id)])
  expect(outcome).toEqual([{ ok: true }])
  return (await storage.getTicket(id))!
}

describe.each(BACKENDS)('storage contract on $name', (backend) => {
  const { open, closeLater } = useBackend(backend)

  it('commits each unit of a batch atomically: a stale unit is refused alone, and a reopened database holds exactly the winner', async () => {
    const s = await seeded(open)
    const t = await createTicket(s.storage, 't_batch', s.version, s.admin)
    const outcomes = await s.storage.commitTickets([
      touch(t, 1, 'first', s.admin.id),
      touch(t, 1, 'second', s.admin.id),
    ])
    expect(outcomes[0]).toEqual({ ok: true })
    expect(outcomes[1].ok).toBe(false)
    if (!outcomes[1].ok) expect((outcomes[1].error as ConflictError).code).toBe('stale_version')
    const again = await s.reopen()
    closeLater(again.storage)
    const after = (await again.storage.getTicket('t_batch'))!
    expect([after.subject, after.version]).toEqual(['first', 2])
    expect((await again.storage.getAudit('t_batch')).map((a) => a.type)).toEqual(['created', 'note'])
    expect(await again.storage.getAudit('t_batch', ['note'])).toHaveLength(1)
  })

  it('refuses a change made on an older copy, naming the version it expected or, at the same version, the audit length', async () => {
    const s = await seeded(open)
    const t = await createTicket(s.storage, 't_stale', s.version, s.admin)
    expect(await s.storage.commitTickets([touch(t, 1, 'first', s.admin.id)])).toEqual([{ ok: true }])
    const older = touch(t, 1, 'second', s.admin.id)
    const shorter = { ...touch(t, 2, 'third', s.admin.id), expected: { version: 2, auditSeq: t.auditSeq } }
    const refusals = await s.storage.commitTickets([older, shorter])
    expect(refusals.map((o) => (o.ok ? 'ok' : [(o.error as ConflictError).code, o.error.message]))).toEqual([
      ['stale_version', 'Ticket t_stale is at version 2, not 1'],
      ['stale_version', `Ticket t_stale has ${t.auditSeq + 1} audit records at version 2, not ${t.auditSeq}`],
    ])
    expect((await s.storage.getTicket('t_stale'))!.subject).toBe('first')
  })

  it('lets exactly one of 20 concurrent changes at the same version win', async () => {
    const s = await seeded(open)
    const t = await createTicket(s.storage, 't_race', s.version, s.admin)
    const outcomes = (
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.storage.commitTickets([touch(t, 1, `change ${i}`, s.admin.id)]),
        ),
      )
    ).flat()
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
    const losers = outcomes.filter((o) => !o.ok)
    expect(losers).toHaveLength(19)
    for (const o of losers) if (!o.ok) expect((o.error as ConflictError).code).toBe('stale_version')
    expect((await s.storage.getTicket('t_race'))!.version).toBe(2)
    expect(await s.storage.getAudit('t_race')).toHaveLength(2)
  })

  it('keeps idempotency rows with the commit that wrote them, and refuses a second row for the same key alone in its batch', async () => {
    const s = await seeded(open)
    const unit = newTicket('t_idem', s.version, s.admin.id)
    unit.idempotency = {
      userId: s.admin.id,
      key: 'k-1',
      fingerprint: 'fp',
      ticketId: 't_idem',
      status: 201,
      createdAt: NOW,
    }
    expect(await s.storage.commitTickets([unit])).toEqual([{ ok: true }])
    expect(await s.storage.getIdempotency(s.admin.id, 'k-1')).toEqual(unit.idempotency)
    expect(await s.storage.getIdempotency(s.admin.id, 'k-2')).toBeNull()
    const again = newTicket('t_idem2', s.version, s.admin.id)
    again.idempotency = { ...unit.idempotency, ticketId: 't_idem2' }
    // In one batch with a good unit: the refused unit fails alone, the good one commits.
    const [good, outcome] = await s.storage.commitTickets([newTicket('t_good', s.version, s.admin.id), again])
    expect(good).toEqual({ ok: true })
    expect(outcome.ok).toBe(false)
    expect(await s.storage.getTicket('t_idem2')).toBeNull()
    expect(await s.storage.getAudit('t_idem2')).toEqual([])
    expect((await s.storage.getTicket('t_good'))?.version).toBe(1)
    expect((await s.storage.getAudit('t_good')).map((a) => a.leaf)).toEqual([1])
  })

  it('schedules, lists, finds due and removes timers', async () => {
    const s = await seeded(open)
    const unit = newTicket('t_timers', s.version, s.admin.id)
    unit.scheduleTimers = [
      {
        ticketId: 't_timers',
        id: 'a',
        kind: 'sla',
        stepId: 's',
        transitionId: null,
        dueAt: '2026-03-02T10:00:00.000Z',
      },
      {
        ticketId: 't_timers',
        id: 'b',
        kind: 'delay',
        stepId: 's',
        transitionId: 'go',
        dueAt: '2026-03-02T09:30:00.000Z',
      },
    ]
    await s.storage.commitTickets([unit])
    expect((await s.storage.listTimers('t_timers')).map((t) => t.id)).toEqual(['b', 'a'])
    expect(await s.storage.nextTimerDue()).toBe('2026-03-02T09:30:00.000Z')
    expect((await s.storage.dueTimers('2026-03-02T09:45:00.000Z', 10)).map((t) => t.id)).toEqual(['b'])
    const t = (await s.storage.getTicket('t_timers'))!
    const fired = touch(t, 1, 'fired', s.admin.id)
    fired.removeTimers = ['b']
    await s.storage.commitTickets([fired])
    expect(await s.storage.listTimers('t_timers')).toEqual([unit.scheduleTimers[0]])
  })

  it('gives each due timer to one claim across two storages on one database, and again once its lease lapses or is released', async () => {
    const s = await seeded(open)
    const other = await s.another()
    const due = (i: number) => `2026-03-02T09:${String(i).padStart(2, '0')}:00.000Z`
    for (let t = 0; t < 4; t++) {
      const unit = newTicket(`t_claim${t}`, s.version, s.admin.id)
      unit.scheduleTimers = Array.from({ length: 10 }, (_, i) => ({
        ticketId: `t_claim${t}`,
        id: `timer${i}`,
        kind: 'sla' as const,
        stepId: 's',
        transitionId: null,
        dueAt: due(i),
      }))
      await s.storage.commitTickets([unit])
    }
    const now = '2026-03-02T10:00:00.000Z'
    const lease = '2026-03-02T10:01:00.000Z'
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? other : s.storage).claimTimers(now, lease, 5)),
    )
    const taken = claims.flat().map((t) => `${t.ticketId}/${t.id}`)
    expect(taken).toHaveLength(40)
    expect(new Set(taken).size).toBe(40)
    for (const c of claims) expect(c.map((t) => t.dueAt)).toEqual([...c.map((t) => t.dueAt)].sort())
    expect(await s.storage.claimTimers(now, lease, 50)).toEqual([])
    // A server that claimed and died: its lease lapses and the timers are claimed again.
    expect(await other.claimTimers('2026-03-02T10:01:00.000Z', '2026-03-02T10:02:00.000Z', 50)).toHaveLength(
      40,
    )
    // At the start of the one process on a database, every lease is freed.
    expect(await s.storage.releaseTimerLeases()).toBe(40)
    expect(await s.storage.claimTimers(now, lease, 50)).toHaveLength(40)
    // A timer scheduled again is free at once.
    const t = (await s.storage.getTicket('t_claim0'))!
    const again = touch(t, 1, 'again', s.admin.id)
    again.scheduleTimers = [
      { ticketId: 't_claim0', id: 'timer0', kind: 'sla', stepId: 's', transitionId: null, dueAt: due(0) },
    ]
    await s.storage.commitTickets([again])
    expect((await s.storage.claimTimers(now, lease, 50)).map((x) => x.id)).toEqual(['timer0'])
    await other.close()
  })

  it('shows a token revoked and a user disabled through one storage to another on the same database at once', async () => {
    const s = await seeded(open)
    const other = await s.another()
    const token = {
      id: 'tok_x',
      userId: s.admin.id,
      name: 'script',
      kind: 'service' as const,
      scopes: ['read'],
      createdBy: s.admin.id,
      createdAt: NOW,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    }
    const log = {
      at: NOW,
      actorId: s.admin.id,
      actorRole: 'admin',
      targetType: 'token',
      targetId: 'tok_x',
      before: null,
      after: null,
    }
    await s.storage.access.createToken(token, 'hash-x', { ...log, action: 'token.create' })
    expect((await other.access.findCredential('hash-x'))?.token.revokedAt).toBeNull()
    await s.storage.access.revokeToken('tok_x', NOW, s.admin.id, { ...log, action: 'token.revoke' })
    expect((await other.access.findCredential('hash-x'))?.token.revokedAt).toBe(NOW)
    await s.storage.access.updateUser(s.admin.id, { disabledAt: NOW }, { ...log, action: 'user.disable' })
    expect((await other.access.findCredential('hash-x'))?.user.disabledAt).toBe(NOW)
    await other.close()
  })

  it('refuses UPDATE and DELETE of audit records, published versions and the admin log in the database itself', async () => {
    const s = await seeded(open)
    await createTicket(s.storage, 't_append', s.version, s.admin)
    await s.storage.access.appendAdminLog({
      at: NOW,
      actorId: s.admin.id,
      actorRole: 'admin',
      action: 'setting',
      targetType: 'setting',
      targetId: 'x',
      before: null,
      after: { on: true },
    })
    for (const [sql, message] of [
      ["UPDATE audit SET actor_id = 'mallory'", /append-only/],
      ['DELETE FROM audit', /append-only/],
      ["UPDATE sop_versions SET hash = 'x'", /immutable/],
      ['DELETE FROM sop_versions', /immutable/],
      ["UPDATE admin_log SET action = 'x'", /append-only/],
      ['DELETE FROM admin_log', /append-only/],
      ['DELETE FROM ledger_nodes', /append-only/],
    ] as const)
      await expect(s.raw(sql), sql).rejects.toThrow(message)
    expect((await s.storage.getAudit('t_append'))[0].actorId).toBe(s.admin.id)
  })

  it('numbers published versions and refuses a draft saved over a newer one', async () => {
    const s = await seeded(open)
    const sop = (await s.storage.getSop(fixture.id))!
    const rev = await s.storage.saveDraft(fixture.id, { ...sop.draft, title: 'A' }, NOW, sop.draftRevision)
    expect(rev).toBe((sop.draftRevision ?? 1) + 1)
    await expect(s.storage.saveDraft(fixture.id, sop.draft, NOW, sop.draftRevision)).rejects.toMatchObject({
      code: 'draft_conflict',
      params: { revision: rev },
    })
    const latest = (await s.storage.latestVersion(fixture.id))!
    const [a, b] = await Promise.all([
      s.storage.publishVersion({ ...latest, publishedAt: NOW }),
      s.storage.publishVersion({ ...latest, publishedAt: NOW }),
    ])
    expect([a.version, b.version].sort()).toEqual([latest.version + 1, latest.version + 2])
    expect((await s.storage.listVersions(fixture.id)).map((v) => v.version)).toEqual([1, 2, 3])
    expect((await s.storage.listSops(false)).map((x) => [x.id, x.latestVersion, x.title])).toEqual([
      [fixture.id, 3, 'A'],
    ])
    await s.storage.setArchived(fixture.id, true, NOW)
    expect(await s.storage.listSops(false)).toEqual([])
    expect(await s.storage.listSops(true)).toHaveLength(1)
  })
})

describe.each(BACKENDS)('outbox contract on $name', (backend) => {
  const { open } = useBackend(backend)

  it('leases each due message to one of two stores on one database, records the round and retries a failed one', async () => {
    const o = await open()
    const other = await o.another()
    const row = (i: number) => ({
      id: `msg_${i}`,
      kind: 'webhook' as const,
      ticketId: null,
      event: 'ticket.created',
      target: 'http://127.0.0.1/in',
      subscriptionId: null,
      payload: { n: i },
      createdAt: NOW,
      nextAt: NOW,
    })
    await o.storage.outbox.enqueue(Array.from({ length: 30 }, (_, i) => row(i)))
    await o.storage.outbox.enqueue([{ ...row(0), payload: { n: 'again' } }])
    expect((await o.storage.outbox.get('msg_0'))?.payload).toEqual({ n: 0 })
    const later = '2026-03-02T09:05:00.000Z'
    const lease = '2026-03-02T09:06:00.000Z'
    const leased = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? other : o.storage).outbox.lease(later, lease, 5)),
    )
    const ids = leased.flat().map((m) => m.id)
    expect([ids.length, new Set(ids).size]).toEqual([30, 30])
    expect(leased.flat().every((m) => m.status === 'sending' && m.attempts === 1)).toBe(true)
    await other.outbox.record([
      { id: 'msg_0', outcome: 'sent', at: later, status: 204 },
      { id: 'msg_1', outcome: 'retry', nextAt: lease, error: 'timeout', status: null },
      { id: 'msg_2', outcome: 'failed', error: 'gone', status: 410 },
    ])
    expect(await o.storage.outbox.counts()).toEqual({ queued: 1, sending: 27, sent: 1, failed: 1 })
    expect(await o.storage.outbox.retry('msg_2', later)).toBe(true)
    expect(await o.storage.outbox.retry('msg_2', later)).toBe(false)
    expect(
      (await o.storage.outbox.list({ status: 'queued', limit: 10, offset: 0 })).map((m) => m.id).sort(),
    ).toEqual(['msg_1', 'msg_2'])
    // A server that died holding leases: they lapse and another server takes the messages.
    expect(await other.outbox.lease(lease, '2026-03-02T09:07:00.000Z', 50)).toHaveLength(29)
    await other.close()
  })

  it('adds each notice once, counts and marks them read, and keeps e-mail settings', async () => {
    const o = await open()
    const n = (id: string, at: string) => ({
      id,
      userId: 'u1',
      ticketId: null,
      kind: 'assigned' as const,
      params: { ticket: 'T-1' },
      createdAt: at,
      readAt: null,
    })
    expect(await o.storage.notices.add(n('n1', '2026-03-02T09:00:00.000Z'))).toBe(true)
    expect(await o.storage.notices.add(n('n1', '2026-03-02T09:00:00.000Z'))).toBe(false)
    await o.storage.notices.add(n('n2', '2026-03-02T09:01:00.000Z'))
    await o.storage.notices.add(n('n3', '2026-03-02T09:02:00.000Z'))
    expect((await o.storage.notices.list('u1', 2)).map((x) => x.id)).toEqual(['n3', 'n2'])
    expect(await o.storage.notices.markRead('u1', ['n2', 'nx'], NOW)).toBe(1)
    expect(await o.storage.notices.unread('u1')).toBe(2)
    expect(await o.storage.notices.markRead('u1', null, NOW)).toBe(2)
    expect(await o.storage.notices.unread('u1')).toBe(0)
    expect(await o.storage.notices.settings('u1')).toEqual({ email: null, emailOn: true })
    await o.storage.notices.saveSettings('u1', { email: 'a@example.com', emailOn: false })
    await o.storage.notices.saveSettings('u1', { email: 'b@example.com', emailOn: false })
    expect(await o.storage.notices.settings('u1')).toEqual({ email: 'b@example.com', emailOn: false })
  })

  it('keeps webhook subscriptions, and leaves an inactive one out of the active ones', async () => {
    const o = await open()
    const sub = {
      id: 'wh_1',
      url: 'https://example.com/in',
      events: ['ticket.created' as const],
      sopId: null,
      secret: 'whsec_x',
      previousSecret: null,
      previousUntil: null,
      allowPrivate: false,
      active: true,
      createdAt: NOW,
      createdBy: 'u',
    }
    await o.storage.outbox.saveSubscription(sub)
    expect(await o.storage.outbox.getSubscription('wh_1')).toEqual(sub)
    await o.storage.outbox.saveSubscription({ ...sub, active: false })
    expect(await o.storage.outbox.subscriptions()).toEqual([])
    expect(await o.storage.outbox.listSubscriptions()).toEqual([{ ...sub, active: false }])
  })
})
