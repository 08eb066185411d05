import { sign } from 'node:crypto'
import { canonicalJson, inclusionProof, toHex } from '../../engine/index.ts'
import { calendarsOf } from '../calendars/store.ts'
import { Problem } from '../http/problem.ts'
import type { LedgerService } from '../ledger/ledger.ts'
import { headJson } from '../ledger/treeHead.ts'
import type { AuditRow, Storage, TicketRow } from '../storage/types.ts'

export const BUNDLE_FORMAT = 'sopflow-evidence/v2'

/** The ticket as a bundle states it: every member checked against the records. */
export function ticketSummary(t: TicketRow) {
  return {
    assigneeId: t.assigneeId,
    auditHead: t.auditHead,
    auditSeq: t.auditSeq,
    channel: t.channel,
    closedAt: t.closedAt,
    createdAt: t.createdAt,
    customerId: t.customerId,
    dueAt: t.dueAt,
    fields: t.state?.context?.fields ?? {},
    id: t.id,
    outcome: t.outcome,
    priority: t.priority,
    queue: t.queue,
    sopHash: t.sopHash,
    sopId: t.sopId,
    sopVersion: t.sopVersion,
    stateHead: t.state?.head ?? null,
    status: t.status,
    steps: t.steps,
    subject: t.subject,
    updatedAt: t.updatedAt,
    version: t.version,
  }
}

export function bundleRecord(a: AuditRow) {
  return {
    actorId: a.actorId,
    at: a.at,
    hash: a.hash,
    leaf: a.leaf ?? null,
    payload: a.payload,
    prevHash: a.prevHash,
    role: a.role,
    seq: a.seq,
    ticketId: a.ticketId,
    type: a.type,
  }
}

/**
 * An evidence bundle v2 (docs/evidence.md): the ticket's records with their inclusion proofs
 * against a signed tree head, the ticket summary, the SOP document exactly as stored, and an
 * Ed25519 signature over all of it. Returned as its exact bytes: canonical JSON.
 */
export async function buildEvidence(
  storage: Storage,
  ledger: LedgerService,
  t: TicketRow,
  by: { id: string },
  now: string,
  size?: number,
): Promise<string> {
  const [audit, version] = await Promise.all([
    storage.getAudit(t.id),
    storage.getVersion(t.sopId, t.sopVersion),
  ])
  if (!version) throw new Problem(404, 'not_found', `SOP version ${t.sopId}@${t.sopVersion} does not exist`)
  const head = size === undefined ? await ledger.head() : await storage.treeHead(size)
  if (!head) throw new Problem(404, 'not_found', `No signed tree head of ${size} records`, { size })
  const subtree = await ledger.subtrees((t) => {
    for (const a of audit) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a leaf outside the head only ends the gathering (subtrees catches it), and the proofs below refuse that same record first
      if (typeof a.leaf === 'number' && a.leaf < head.size) inclusionProof(a.leaf, head.size, t)
    }
  })
  const proofs = audit.map((a) => {
    if (typeof a.leaf !== 'number' || a.leaf >= head.size)
      throw new Problem(
        422,
        'ledger_leaf_unknown',
        `Record ${a.seq} is not in the tree head of ${head.size} records`,
        {
          seq: a.seq,
          size: head.size,
        },
      )
    return inclusionProof(a.leaf, head.size, subtree).map(toHex)
  })
  const unsigned = {
    exportedAt: now,
    exportedBy: by.id,
    format: BUNDLE_FORMAT,
    keyId: ledger.key.keyId,
    proofs,
    publicKey: ledger.key.publicKeyBase64,
    records: audit.map(bundleRecord),
    sop: {
      document: version.text ?? canonicalJson(version.document),
      hash: version.hash,
      id: version.sopId,
      version: version.version,
      ...(await calendarsOf(storage).bundled(version.sopId, version.version)),
    },
    ticket: ticketSummary(t),
    treeHead: headJson(head),
  }
  const signature = sign(null, Buffer.from(canonicalJson(unsigned), 'utf8'), ledger.key.privateKey).toString(
    'base64',
  )
  return canonicalJson({ ...unsigned, signature })
}
