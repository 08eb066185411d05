import { describe, expect, it } from 'vitest'
import { byDue, ViewCache, type ViewParts } from '../../server/services/viewCache.ts'
import type { AuditRow, TicketCommit, TicketRow, TimerRow } from '../../server/storage/types.ts'

const timer = (id: string, dueAt: string, extra: Partial<TimerRow> = {}): TimerRow => ({
  ticketId: 'T-1',
  id,
  kind: 'sla',
  stepId: 'intake',
  transitionId: null,
  dueAt,
  ...extra,
})
const record = (seq: number, type: string) => ({ ticketId: 'T-1', seq, type }) as unknown as AuditRow
const parts = (
  version: number,
  auditSeq: number,
  timers: TimerRow[] = [],
  notes: AuditRow[] = [],
): ViewParts => ({
  version,
  auditSeq,
  timers,
  notes,
})
const commit = (
  version: number,
  auditSeq: number,
  expected: TicketCommit['expected'],
  extra: Partial<TicketCommit> = {},
): TicketCommit => ({
  ticket: { id: 'T-1', version, auditSeq } as unknown as TicketRow,
  expected,
  audit: [],
  scheduleTimers: [],
  removeTimers: [],
  ...extra,
})

describe('the order of timers', () => {
  it('is by due time, then by id', () => {
    const a = timer('b', '2026-03-02T09:00:00.000Z')
    const b = timer('a', '2026-03-02T10:00:00.000Z')
    const c = timer('c', '2026-03-02T09:00:00.000Z')
    expect(byDue(a, b)).toBe(-1)
    expect(byDue(b, a)).toBe(1)
    expect(byDue(a, c)).toBe(-1)
    expect(byDue(c, a)).toBe(1)
    expect(byDue(a, { ...a })).toBe(0)
    expect([b, c, a].sort(byDue).map((t) => t.id)).toEqual(['b', 'c', 'a'])
  })
})

describe('the views kept', () => {
  it('serve a ticket only at the version and audit length they were read at', () => {
    const views = new ViewCache()
    const kept = parts(3, 5, [timer('t1', '2026-03-02T09:00:00.000Z')])
    views.set('T-1', kept)
    expect(views.get('T-1', { version: 3, auditSeq: 5 })).toBe(kept)
    expect(views.get('T-1', { version: 4, auditSeq: 5 })).toBeUndefined()
    expect(views.get('T-1', { version: 3, auditSeq: 6 })).toBeUndefined()
    expect(views.get('T-2', { version: 3, auditSeq: 5 })).toBeUndefined()
    views.forget('T-1')
    expect(views.get('T-1', { version: 3, auditSeq: 5 })).toBeUndefined()
  })

  it('keep the tickets shown or written last, up to the limit, dropping the least recent', () => {
    const views = new ViewCache(2)
    views.set('A', parts(1, 1))
    views.set('B', parts(1, 1))
    views.set('A', parts(1, 1))
    views.set('C', parts(1, 1))
    expect(views.get('A', { version: 1, auditSeq: 1 })).toBeDefined()
    expect(views.get('B', { version: 1, auditSeq: 1 })).toBeUndefined()
    expect(views.get('C', { version: 1, auditSeq: 1 })).toBeDefined()
    const roomy = new ViewCache(2)
    roomy.set('A', parts(1, 1))
    roomy.set('B', parts(1, 1))
    expect(roomy.get('A', { version: 1, auditSeq: 1 })).toBeDefined()
    expect(roomy.get('B', { version: 1, auditSeq: 1 })).toBeDefined()
  })

  it('keep ten thousand tickets unless told otherwise', () => {
    const views = new ViewCache()
    for (let i = 0; i <= 10_000; i++) views.set(`T-${i}`, parts(1, 1))
    expect(views.get('T-0', { version: 1, auditSeq: 1 })).toBeUndefined()
    expect(views.get('T-1', { version: 1, auditSeq: 1 })).toBeDefined()
  })
})

describe('a commit of this process', () => {
  it('starts a new ticket from no timers and no notes, with what it wrote', () => {
    const views = new ViewCache()
    const due = timer('sla', '2026-03-02T09:00:00.000Z', { transitionId: undefined as unknown as null })
    views.committed(commit(1, 1, null, { scheduleTimers: [due], audit: [record(1, 'created')] }))
    expect(views.get('T-1', { version: 1, auditSeq: 1 })).toEqual(
      parts(1, 1, [{ ...due, transitionId: null }]),
    )
  })

  it('moves the entry it started from to the version it wrote: timers removed and scheduled, in order', () => {
    const views = new ViewCache()
    const note = record(2, 'note')
    const late = timer('late', '2026-03-02T12:00:00.000Z')
    const early = timer('early', '2026-03-02T08:00:00.000Z')
    views.set('T-1', parts(4, 2, [early, late], [note]))
    const again = timer('late', '2026-03-02T07:00:00.000Z')
    const fresh = timer('mid', '2026-03-02T10:00:00.000Z', { kind: 'delay', transitionId: 'wait' })
    const note3 = record(4, 'note')
    views.committed(
      commit(
        5,
        4,
        { version: 4, auditSeq: 2 },
        {
          removeTimers: ['early'],
          scheduleTimers: [fresh, again],
          audit: [record(3, 'action'), note3],
        },
      ),
    )
    expect(views.get('T-1', { version: 4, auditSeq: 2 })).toBeUndefined()
    expect(views.get('T-1', { version: 5, auditSeq: 4 })).toEqual(parts(5, 4, [again, fresh], [note, note3]))
  })

  it('keeps the same timers and notes when it changed neither', () => {
    const views = new ViewCache()
    const kept = parts(
      4,
      2,
      [timer('b', '2026-03-02T09:00:00.000Z'), timer('a', '2026-03-02T09:00:00.000Z')],
      [record(2, 'note')],
    )
    views.set('T-1', kept)
    views.committed(commit(5, 3, { version: 4, auditSeq: 2 }, { audit: [record(3, 'action')] }))
    const moved = views.get('T-1', { version: 5, auditSeq: 3 })
    expect(moved?.timers).toBe(kept.timers)
    expect(moved?.notes).toBe(kept.notes)
  })

  it('drops the entry when it started from another version than the one kept', () => {
    const views = new ViewCache()
    views.set('T-1', parts(4, 2))
    views.committed(commit(6, 4, { version: 5, auditSeq: 3 }))
    expect(views.get('T-1', { version: 4, auditSeq: 2 })).toBeUndefined()
    expect(views.get('T-1', { version: 6, auditSeq: 4 })).toBeUndefined()
  })
})
