import type { CompiledSop } from '../../engine/index.ts'
import { notFound } from '../http/problem.ts'
import type { LedgerService } from '../ledger/ledger.ts'
import { sha256 } from './crypto.ts'
import type { TicketDeps } from './ticketTypes.ts'
import { type VerifyResult, verifyAudit } from './verification.ts'

/** Verifies a ticket: the audit hash chain, and a replay of its records through its SOP version. */
export async function verifyTicket(
  s: Pick<TicketDeps, 'storage' | 'sopFor'> & { ledger?: LedgerService },
  id: string,
  options: { ledger?: boolean } = {},
): Promise<VerifyResult> {
  // The row as stored, not this process's copy of it.
  const t = await s.storage.getTicket(id)
  if (!t) throw notFound('Ticket', id)
  const audit = await s.storage.getAudit(id)
  let sop: CompiledSop
  try {
    sop = await s.sopFor(t.sopId, t.sopVersion)
  } catch (err) {
    const message = `the ticket's SOP version ${t.sopId}@${t.sopVersion} cannot be loaded: ${(err as Error).message}`
    return {
      ok: false,
      chain: { ok: false, length: audit.length, reason: message },
      replay: { ok: false, records: 0, reason: message },
      ticket: { ok: false, checked: false, problems: [{ field: 'sopId', message }] },
      problems: [message],
    }
  }
  const result = verifyAudit(sop, t, audit)
  const rank = await s.storage.ticketPriorityRank(id)
  const ranks: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 }
  if (rank !== ranks[t.priority]) {
    result.problems.push(
      `ticket priority rank is ${rank}, but its priority ${t.priority} ranks ${ranks[t.priority]}`,
    )
    result.ticket.problems.push({
      field: 'priorityRank',
      message: result.problems[result.problems.length - 1],
    })
    result.ticket.ok = false
    result.ok = false
  }
  const version = await s.storage.getVersion(t.sopId, t.sopVersion)
  if (version?.text !== undefined && sha256(version.text) !== version.hash) {
    result.problems.push(
      `the stored document of SOP ${t.sopId} version ${t.sopVersion} does not match its hash ${version.hash}`,
    )
    result.ok = false
  }
  if (s.ledger && options.ledger !== false) {
    result.ledger = await s.ledger.checkRecords(audit)
    for (const p of result.ledger.problems) result.problems.push(`ledger: ${p.message}`)
    result.ok &&= result.ledger.ok
  }
  return result
}
