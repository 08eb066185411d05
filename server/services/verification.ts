import {
  type CompiledSop,
  canonicalJson,
  replay,
  type TicketState,
  type TransitionRecord,
} from '../../engine/index.ts'
import { AUDIT_TYPES, type AuditRow, RECORD_TYPES, type TicketRow } from '../storage/types.ts'
import { checkDraws } from '../surveys/draw.ts'
import { linkHash } from './crypto.ts'
import { compareRow, deriveRow, ROW_KEYS, type RowFinding } from './ticketRow.ts'

export interface VerifyResult {
  ok: boolean
  chain: { ok: boolean; length: number; index?: number; seq?: number; reason?: string }
  replay: {
    ok: boolean
    records: number
    index?: number
    seq?: number
    reason?: string
    expected?: unknown
    recorded?: unknown
  }
  /** The ticket row (or a bundle's summary) against the state its history gives. */
  ticket: { ok: boolean; checked: boolean; problems: RowFinding[] }
  /** Each record's place in the signed ledger (when checked). */
  ledger?: LedgerCheck
  /** Every problem found, in words. */
  problems: string[]
}

export interface LedgerCheck {
  ok: boolean
  size: number
  problems: { seq?: number; message: string }[]
}

/** The engine record type each audit type carries. */
const KIND_OF: Record<string, TransitionRecord['kind']> = {
  created: 'start',
  transition: 'action',
  update: 'update',
  override: 'override',
  timer: 'timer',
  reopen: 'reopen',
}

/** The members of the ticket row a bundle's summary states. */
const SUMMARY_KEYS = ROW_KEYS.filter((k) => k !== 'number')

/** What an audit row's hash covers. */
export function entryOf(a: AuditRow): unknown {
  return {
    ticketId: a.ticketId,
    seq: a.seq,
    type: a.type,
    at: a.at,
    actorId: a.actorId,
    role: a.role,
    payload: a.payload,
  }
}

/** The chain check: every record numbered in order, naming its predecessor, matching its hash; the last is the head. */
function checkChain(t: Pick<TicketRow, 'auditHead'>, audit: readonly AuditRow[]): VerifyResult['chain'] {
  let prev: string | null = null
  for (let i = 0; i < audit.length; i++) {
    const a = audit[i]
    const reason =
      a.seq !== i
        ? `record ${i} has number ${a.seq}: a record is missing or out of place`
        : a.prevHash !== prev
          ? `record ${a.seq} does not name the previous record's hash`
          : linkHash(a.prevHash, entryOf(a)) !== a.hash
            ? `record ${a.seq} was changed after it was written (its hash does not match its content)`
            : null
    if (reason) return { ok: false, length: audit.length, index: i, seq: a.seq, reason }
    prev = a.hash
  }
  if (prev !== t.auditHead)
    return {
      ok: false,
      length: audit.length,
      index: audit.length - 1,
      reason: "the log's last hash does not match the ticket's head: records were removed or added",
    }
  return { ok: true, length: audit.length }
}

/** The engine records of a log; a record that cannot hold one is named. */
function engineRecords(audit: readonly AuditRow[]): TransitionRecord[] | { seq: number; reason: string } {
  const records: TransitionRecord[] = []
  for (const a of audit) {
    if (!(AUDIT_TYPES as readonly string[]).includes(a.type))
      return {
        seq: a.seq,
        reason: `record ${a.seq} has type "${String(a.type)}", which sopflow does not write`,
      }
    if (a.type !== 'created' && !RECORD_TYPES.includes(a.type)) continue
    const record = (a.payload as { record?: unknown } | null)?.record as TransitionRecord | undefined
    if (!record || typeof record !== 'object' || Array.isArray(record))
      return {
        seq: a.seq,
        reason: `record ${a.seq} is of type ${a.type} but holds no engine record (its payload is not one)`,
      }
    if (record.kind !== KIND_OF[a.type])
      return {
        seq: a.seq,
        reason: `record ${a.seq} is of type ${a.type} but holds an engine record of kind ${String(record.kind)}`,
      }
    records.push(record)
  }
  return records
}

/**
 * Verifies a ticket from its records alone: the audit hash chain, a replay of its engine records
 * through its SOP version, and the ticket row (or an exported summary) against the state the
 * history ends in. Damaged data of any kind is reported, never thrown.
 */
export function verifyAudit(
  sop: CompiledSop,
  t: Partial<TicketRow>,
  audit: readonly AuditRow[],
  options: { summaryFields?: Record<string, unknown> } = {},
): VerifyResult {
  const chain = checkChain(t as TicketRow, audit)
  const found = engineRecords(audit)
  let replayResult: VerifyResult['replay']
  let ticket: VerifyResult['ticket'] = { ok: false, checked: false, problems: [] }
  if (!Array.isArray(found)) {
    replayResult = { ok: false, records: 0, seq: found.seq, reason: found.reason }
  } else {
    let r: ReturnType<typeof replay>
    try {
      r = replay(sop, found, { head: (t.state as { head?: string | null } | undefined)?.head ?? null })
    } catch (err) {
      r = {
        ok: false,
        index: 0,
        seq: -1,
        reason: `the records cannot be replayed: ${(err as Error).message}`,
        expected: null,
        recorded: null,
        states: [],
      }
    }
    replayResult = r.ok
      ? { ok: true, records: found.length }
      : {
          ok: false,
          records: found.length,
          index: r.index,
          seq: r.seq,
          reason: r.reason,
          expected: r.expected,
          recorded: r.recorded,
        }
    const states = r.ok ? r.states : []
    if (r.ok || states.length) {
      try {
        const { row, findings } = deriveRow(sop, audit, states)
        const problems = [...findings]
        if (row && r.ok) {
          if (options.summaryFields) {
            // A bundle's summary: the field values and the state head instead of the whole state.
            const { state, ...summary } = t
            // A bundle's summary states no number: its `created` record carries it.
            problems.push(...compareRow(sop, summary, row, SUMMARY_KEYS))
            const ended = (row.state as TicketState).context.fields
            if (canonicalJson(ended) !== canonicalJson(options.summaryFields))
              problems.push({
                field: 'fields',
                message: `ticket field values are ${canonicalJson(options.summaryFields)}, but the history gives ${canonicalJson(ended)}`,
              })
            if (state?.head !== (row.state as TicketState).head)
              problems.push({
                field: 'stateHead',
                message: "ticket state head does not match the history's last transition record",
              })
          } else problems.push(...compareRow(sop, t, row))
        }
        ticket = { ok: r.ok && problems.length === 0, checked: r.ok, problems }
      } catch (err) {
        ticket = {
          ok: false,
          checked: false,
          problems: [
            { field: 'ticket', message: `the ticket row cannot be checked: ${(err as Error).message}` },
          ],
        }
      }
    }
  }
  const problems: string[] = []
  if (!chain.ok) problems.push(`hash chain broken at record ${chain.seq ?? chain.index}: ${chain.reason}`)
  if (!replayResult.ok) problems.push(`replay diverges at record ${replayResult.seq}: ${replayResult.reason}`)
  for (const p of ticket.problems) problems.push(p.message)
  // The survey sample: each draw is the one the published seed gives for this ticket.
  const draws = checkDraws(sop.document.survey, (t.id as string | undefined) ?? '', audit)
  problems.push(...draws)
  return {
    ok: chain.ok && replayResult.ok && ticket.ok && draws.length === 0,
    chain,
    replay: replayResult,
    ticket,
    problems,
  }
}
