import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leafHash, treeHash, verifyInclusion } from '../../engine/index.ts'
import { loadOrCreateKey } from '../../server/ledger/keys.ts'
import { LedgerService } from '../../server/ledger/ledger.ts'
import { sha256Bytes } from '../../server/ledger/sha.ts'
import { ensureAdmin, importSop } from '../../server/start.ts'
import type { Customer, Storage, TicketRow } from '../../server/storage/types.ts'
import { fixture, NOW, newTicket, touch } from './commitFixtures.ts'
import { BACKENDS, type OpenedStorage } from './storageBackends.ts'

/** The storage contract's reads, run on every backend: lists, search, metrics, people, ledger. */
const customer = (id: string, name: string, phone: string | null, email: string | null): Customer => ({
  id,
  name,
  phone,
  email,
  address: null,
  segment: null,
  createdAt: NOW,
  updatedAt: NOW,
})

async function world(storage: Storage) {
  await ensureAdmin(storage, NOW)
  const admin = (await storage.listUsers())[0]
  const version = (await importSop(storage, fixture, admin.id, NOW)).version as number
  await storage.createCustomer(customer('c_lan', 'Nguyễn Thị Lan', '+84 90-555 0101', 'lan@example.com'))
  await storage.createCustomer(customer('c_bob', 'Bob 100%_sure', null, 'BOB@example.com'))
  const plan: [string, Partial<TicketRow>][] = [
    [
      't_a',
      {
        priority: 'low',
        dueAt: '2026-03-02T12:00:00.000Z',
        customerId: 'c_lan',
        channel: 'phone',
        createdAt: '2026-03-02T08:00:01.000Z',
      },
    ],
    [
      't_b',
      {
        priority: 'urgent',
        dueAt: null,
        customerId: 'c_bob',
        channel: 'email',
        assigneeId: admin.id,
        createdAt: '2026-03-02T08:00:02.000Z',
      },
    ],
    [
      't_c',
      {
        priority: 'normal',
        dueAt: '2026-03-02T08:00:00.000Z',
        channel: 'phone',
        createdAt: '2026-03-03T00:00:00.000Z',
      },
    ],
    [
      't_d',
      {
        priority: 'high',
        dueAt: '2026-03-02T10:00:00.000Z',
        status: 'closed',
        channel: 'chat',
        createdAt: '2026-03-02T08:00:03.000Z',
      },
    ],
  ]
  for (const [id, change] of plan) {
    const unit = newTicket(id, version, admin.id)
    unit.ticket = { ...unit.ticket, subject: `Subject of ${id}`, ...change }
    expect(await storage.commitTickets([unit])).toEqual([{ ok: true }])
  }
  const a = (await storage.getTicket('t_a'))!
  await storage.commitTickets([touch(a, 1, 'Refund asked by phone', admin.id)])
  return { admin, version }
}

describe.each(BACKENDS)('storage reads on $name', (backend) => {
  let opened: OpenedStorage
  let storage: Storage
  let admin: Awaited<ReturnType<typeof world>>['admin']
  beforeAll(async () => {
    await backend.setup()
    opened = await backend.open()
    storage = opened.storage
    ;({ admin } = await world(storage))
  }, 120_000)
  afterAll(async () => {
    await storage?.close()
    await backend.teardown()
  }, 60_000)

  const ids = (rows: { id: string }[]) => rows.map((r) => r.id)
  const list = (f: Partial<Parameters<Storage['listTickets']>[0]>) =>
    storage.listTickets({ now: '2026-03-02T11:00:00.000Z', limit: 50, offset: 0, ...f }).then(ids)

  it('orders the ticket list by urgency, deadline, priority and creation', async () => {
    expect(await list({})).toEqual(['t_c', 't_b', 't_a', 't_d'])
    expect(await list({ sort: 'due' })).toEqual(['t_c', 't_d', 't_a', 't_b'])
    expect(await list({ sort: 'priority' })).toEqual(['t_b', 't_d', 't_c', 't_a'])
    expect(await list({ sort: 'created' })).toEqual(['t_c', 't_d', 't_b', 't_a'])
    expect(await list({ limit: 2, offset: 1 })).toEqual(['t_b', 't_a'])
  })

  it('filters the ticket list by status, assignee, channel, customer, overdue and text', async () => {
    expect(await list({ status: 'closed' })).toEqual(['t_d'])
    expect(await list({ assigneeId: admin.id })).toEqual(['t_b'])
    expect(await list({ unassigned: true, status: 'open' })).toEqual(['t_c', 't_a'])
    expect(await list({ channel: 'phone' })).toEqual(['t_c', 't_a'])
    expect(await list({ customerId: 'c_bob' })).toEqual(['t_b'])
    expect(await list({ overdue: true })).toEqual(['t_c'])
    expect(await list({ search: 'lan' })).toEqual(['t_a'])
    expect(await list({ search: '90 555 0101' })).toEqual(['t_a'])
    expect(await list({ search: '100%_' })).toEqual(['t_b'])
    expect(await list({ search: 'subject OF T_C' })).toEqual(['t_c'])
  })

  it("searches tickets by id, customer and note text, newest first, with the customer's name and a total", async () => {
    const s = (q: Partial<Parameters<Storage['searchTickets']>[0]>) =>
      storage.searchTickets({ limit: 2, offset: 0, ...q })
    const all = await s({})
    expect(all.total).toBe(4)
    expect(ids(all.rows)).toEqual(['t_c', 't_d'])
    const note = await s({ q: 'REFUND' })
    expect([note.total, ids(note.rows), note.rows[0].customerName]).toEqual([1, ['t_a'], 'Nguyễn Thị Lan'])
    expect(ids((await s({ q: 'bob@' })).rows)).toEqual(['t_b'])
    expect(ids((await s({ channel: 'chat' })).rows)).toEqual(['t_d'])
    expect((await s({ from: '2026-03-02T12:00:00.000Z' })).total).toBe(1)
  })

  it('gives the metrics their tickets by SOP, version, channel, team and period, oldest first', async () => {
    const m = (f: Parameters<Storage['ticketsForMetrics']>[0]) => storage.ticketsForMetrics(f).then(ids)
    expect(await m({})).toEqual(['t_a', 't_b', 't_d', 't_c'])
    expect(await m({ channel: 'phone' })).toEqual(['t_a', 't_c'])
    expect(await m({ sopId: fixture.id, sopVersion: 1, to: '2026-03-03T00:00:00.000Z' })).toHaveLength(3)
    expect(await m({ sopVersion: 2 })).toEqual([])
    await storage.access.updateUser(
      admin.id,
      { team: 'hanoi' },
      {
        at: NOW,
        actorId: admin.id,
        actorRole: 'admin',
        action: 'user.team',
        targetType: 'user',
        targetId: admin.id,
        before: null,
        after: 'hanoi',
      },
    )
    expect(await m({ team: 'hanoi' })).toEqual(['t_b'])
    const audit = await storage.auditForTickets(['t_a', 't_c', 't_none'])
    expect([...audit.keys()].sort()).toEqual(['t_a', 't_c'])
    expect(audit.get('t_a')!.map((a) => a.type)).toEqual(['created', 'note'])
  })

  it('finds customers by name, phone or e-mail, and keeps surveys by customer and ticket', async () => {
    expect(ids(await storage.searchCustomers('example.com', 10))).toEqual(['c_bob', 'c_lan'])
    expect(ids(await storage.searchCustomers('nguyễn', 10))).toEqual(['c_lan'])
    expect(ids(await storage.channels.customersByEmail('bob@EXAMPLE.com'))).toEqual(['c_bob'])
    expect(ids(await storage.channels.customersByPhoneDigits('5550101'))).toEqual(['c_lan'])
    await storage.updateCustomer({ ...(await storage.getCustomer('c_bob'))!, segment: 'loyal' })
    expect((await storage.getCustomer('c_bob'))!.segment).toBe('loyal')
    const base = { customerId: 'c_lan', csat: 5, nps: 9, ces: 2, comment: null, createdBy: admin.id }
    await storage.addSurvey({ ...base, id: 's1', ticketId: 't_a', at: '2026-03-02T10:00:00.000Z' })
    await storage.addSurvey({ ...base, id: 's2', ticketId: null, at: '2026-03-02T11:00:00.000Z' })
    expect(ids(await storage.listSurveys({ customerId: 'c_lan' }))).toEqual(['s2', 's1'])
    expect(ids(await storage.listSurveys({ ticketIds: ['t_a'] }))).toEqual(['s1'])
    expect(await storage.listSurveys({ ticketIds: [] })).toEqual([])
  })

  it('keeps tokens, their revocation and the admin log', async () => {
    const token = {
      id: 'tok_1',
      userId: admin.id,
      name: 'script',
      kind: 'service' as const,
      scopes: ['read'],
      createdBy: admin.id,
      createdAt: NOW,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    }
    const log = {
      at: NOW,
      actorId: admin.id,
      actorRole: 'admin',
      targetType: 'token',
      targetId: 'tok_1',
      before: null,
      after: null,
    }
    await storage.access.createToken(token, 'hash-1', { ...log, action: 'token.create' })
    const found = await storage.access.findCredential('hash-1')
    expect([found?.token, found?.user.id]).toEqual([token, admin.id])
    expect(await storage.access.revokeToken('tok_1', NOW, admin.id, { ...log, action: 'token.revoke' })).toBe(
      true,
    )
    expect(await storage.access.revokeToken('tok_1', NOW, admin.id, { ...log, action: 'token.revoke' })).toBe(
      false,
    )
    expect((await storage.access.getToken('tok_1'))!.revokedAt).toBe(NOW)
    expect((await storage.access.listTokens(admin.id)).map((t) => t.id)).toContain('tok_1')
    const entries = await storage.access.listAdminLog({ limit: 10, offset: 0, targetId: 'tok_1' })
    expect([entries.total, entries.items.map((e) => e.action)]).toEqual([2, ['token.revoke', 'token.create']])
    expect(entries.items[0].seq).toBeGreaterThan(entries.items[1].seq)
  })

  it('keeps teams and organisation roles', async () => {
    expect(await storage.teams.createTeam({ id: 'hcm', name: 'Hồ Chí Minh', createdAt: NOW })).toBe(true)
    expect(await storage.teams.createTeam({ id: 'hcm', name: 'again', createdAt: NOW })).toBe(false)
    expect((await storage.teams.getTeam('hcm'))?.name).toBe('Hồ Chí Minh')
    await storage.teams.createOrgRole({ name: 'billing', label: 'Billing', createdAt: NOW })
    await storage.teams.createOrgRole({ name: 'approver', label: 'Approver', createdAt: NOW })
    await storage.teams.setOrgRoles(admin.id, ['billing', 'approver'])
    expect(await storage.teams.orgRolesOf(admin.id)).toEqual(['approver', 'billing'])
    await storage.teams.setOrgRoles(admin.id, [])
    expect(await storage.teams.orgRolesOf(admin.id)).toEqual([])
  })

  it('keeps a team’s calendar with its log entry, and pins its latest version to SOP versions published afterwards', async () => {
    const log = (id: string) => ({
      at: NOW,
      actorId: admin.id,
      actorRole: 'admin',
      action: 'team.calendar',
      targetType: 'team',
      targetId: id,
      before: null,
      after: null,
    })
    const desk = (title: string) => ({
      id: 'hcm_desk',
      title,
      timeZone: 'Asia/Ho_Chi_Minh',
      always: false,
      week: { mon: [{ from: '08:00', to: '17:00' }] },
      holidayRegions: [],
      holidays: [],
      closures: [],
      openings: [],
    })
    await storage.teams.createTeam({ id: 'hcm_care', name: 'Care HCM', createdAt: NOW })
    expect(await storage.teams.setTeamCalendar('nobody', 'hcm_desk', log('nobody'))).toBe(false)
    await storage.calendars.add(desk('v1'), NOW, admin.id)
    expect(await storage.teams.setTeamCalendar('hcm_care', 'hcm_desk', log('hcm_care'))).toBe(true)
    expect((await storage.teams.getTeam('hcm_care'))?.calendarId).toBe('hcm_desk')
    const entries = await storage.access.listAdminLog({ limit: 10, offset: 0, targetId: 'hcm_care' })
    expect(entries.items.map((e) => e.action)).toEqual(['team.calendar'])
    const doc = {
      ...fixture,
      id: 'team_cal',
      steps: fixture.steps.map((st: Record<string, unknown>, i: number) =>
        i === 0 ? { ...st, team: 'hcm_care' } : st,
      ),
    }
    const first = (await importSop(storage, doc, admin.id, NOW)).version as number
    expect(await storage.calendars.teamPins('team_cal', first)).toEqual({ hcm_care: 'hcm_desk' })
    expect((await storage.calendars.pinned('team_cal', first)).hcm_desk.title).toBe('v1')
    // The calendar is edited: the version already published keeps v1, the next one pins v2.
    await storage.calendars.add(desk('v2'), NOW, admin.id)
    const second = (await importSop(storage, { ...doc, purpose: `${doc.purpose} Again.` }, admin.id, NOW))
      .version as number
    expect((await storage.calendars.pinned('team_cal', first)).hcm_desk.title).toBe('v1')
    expect((await storage.calendars.pinned('team_cal', second)).hcm_desk.title).toBe('v2')
    expect(await storage.calendars.bundled('team_cal', second)).toMatchObject({
      teamCalendars: { hcm_care: 'hcm_desk' },
    })
    // Without a calendar, the team's steps pin none.
    expect(await storage.teams.setTeamCalendar('hcm_care', null, log('hcm_care'))).toBe(true)
    const third = (await importSop(storage, { ...doc, purpose: `${doc.purpose} Third.` }, admin.id, NOW))
      .version as number
    expect(await storage.calendars.teamPins('team_cal', third)).toEqual({})
  })

  it('appends every audit record to the ledger and proves each one in a signed tree head', async () => {
    const size = await storage.ledgerSize()
    expect(size).toBe(5)
    const ledger = new LedgerService(storage, loadOrCreateKey(null))
    const head = await ledger.head()
    expect(head.size).toBe(5)
    for (let leaf = 0; leaf < size; leaf++) {
      const record = (await storage.ledgerRecord(leaf))!
      const proof = await ledger.inclusion(leaf, size)
      expect(proof.record?.hash).toBe(record.hash)
      const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'))
      expect(
        verifyInclusion(leaf, size, hex(proof.leafHash), proof.proof.map(hex), hex(head.root), sha256Bytes),
      ).toBe(true)
    }
    // The stored tree is the RFC 9162 tree over the records' leaves, recomputed here from scratch.
    const leaves = []
    for (let leaf = 0; leaf < size; leaf++)
      leaves.push(leafHash(Buffer.from((await storage.ledgerRecord(leaf))!.hash, 'hex'), sha256Bytes))
    expect(Buffer.from(treeHash(leaves, sha256Bytes)).toString('hex')).toBe(head.root)
    expect(await storage.treeHead(5)).toEqual(head)
    expect(await storage.treeHead(4)).toBeNull()
    await expect(storage.ledgerNodes([[0, 99]])).rejects.toThrow(/no node 0\/99/)
    const check = await ledger.checkRecords(await storage.getAudit('t_a'))
    expect(check).toEqual({ ok: true, size: 5, problems: [] })
  })
})
