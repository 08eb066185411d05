import type { TransitionRecord } from '../../engine/index.ts'
import type { AuditRow } from '../../server/storage/types.ts'

/** Hand-written audit logs for the rules of the figures: rows holding engine records. */
export const T0 = Date.parse('2026-03-02T09:00:00.000Z')
export const at = (min: number) => new Date(T0 + min * 60_000).toISOString()

export type RowOf = (seq: number) => AuditRow

/** One row `min` minutes after T0 by `actorId`; with a record (its defaults filled) or a bare payload. */
export const row =
  (
    type: AuditRow['type'],
    min: number,
    actorId: string,
    record?: Partial<TransitionRecord>,
    payload: Record<string, unknown> = {},
  ): RowOf =>
  (seq) => ({
    ticketId: 't1',
    seq,
    type,
    at: at(min),
    actorId,
    role: actorId === 'system' ? 'system' : 'agent',
    payload: record
      ? {
          ...payload,
          record: {
            seq,
            prev: null,
            at: at(min),
            kind: 'action',
            actor: { id: actorId, role: 'agent' },
            action: null,
            transitions: [],
            timerId: null,
            input: {},
            ticks: {},
            target: null,
            reason: null,
            from: [],
            to: [],
            exited: [],
            entered: [],
            fieldChanges: [],
            breach: null,
            ...record,
          },
        }
      : payload,
    prevHash: null,
    hash: String(seq),
  })

/** A log of rows numbered from 0. */
export const log = (...rows: RowOf[]): AuditRow[] => rows.map((r, i) => r(i))
