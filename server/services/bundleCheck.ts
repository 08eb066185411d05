import { createPublicKey, hash, verify } from 'node:crypto'
import { z } from 'zod'
import {
  calendarSchema,
  calendarsDigest,
  canonicalJson,
  compile,
  fromHex,
  leafHash,
  verifyInclusion,
} from '../../engine/index.ts'
import { publicKeyFrom } from '../ledger/keys.ts'
import { sha256Bytes } from '../ledger/sha.ts'
import { headSignatureValid } from '../ledger/treeHead.ts'
import type { AuditRow, TicketRow } from '../storage/types.ts'
import { sha256 } from './crypto.ts'
import { BUNDLE_FORMAT } from './evidence.ts'
import { type VerifyResult, verifyAudit } from './verification.ts'

const BASE64_PATTERN = '^[A-Za-z0-9+/]{N}=*$'
const hex = z.string().regex(/^[0-9a-f]{64}$/)
const text = z.string()
/** Base64 in its one canonical spelling (the unused bits of the last character zero). */
const base64 = (chars: number) =>
  z
    .string()
    .regex(new RegExp(BASE64_PATTERN.replace('N', String(chars))))
    .refine((v) => Buffer.from(v, 'base64').toString('base64') === v, 'not canonical base64')
const maybe = <T extends z.ZodType>(t: T) => t.nullable()
const json: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
)

/** Every member a v2 bundle has; any other member anywhere is refused. */
export const bundleSchema = z
  .object({
    exportedAt: text,
    exportedBy: text,
    format: z.literal(BUNDLE_FORMAT),
    keyId: hex,
    proofs: z.array(z.array(hex)),
    publicKey: base64(43),
    records: z.array(
      z
        .object({
          actorId: text,
          at: text,
          hash: hex,
          leaf: z.number().int().min(0),
          payload: json,
          prevHash: maybe(hex),
          role: text,
          seq: z.number().int().min(0),
          ticketId: text,
          type: text,
        })
        .strict(),
    ),
    signature: base64(86),
    sop: z
      .object({
        document: text,
        hash: hex,
        id: text,
        version: z.number().int().min(1),
        /** The calendar versions the SOP version pins (for business-time deadlines). */
        calendars: z.record(z.string(), calendarSchema).optional(),
        /** The calendar of each team responsible for its steps (team id → calendar id). */
        teamCalendars: z.record(z.string(), text).optional(),
      })
      .strict(),
    ticket: z
      .object({
        assigneeId: maybe(text),
        auditHead: maybe(hex),
        auditSeq: z.number().int().min(0),
        channel: text,
        closedAt: maybe(text),
        createdAt: text,
        customerId: maybe(text),
        dueAt: maybe(text),
        fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
        id: text,
        outcome: maybe(text),
        priority: z.enum(['low', 'normal', 'high', 'urgent']),
        queue: maybe(text),
        sopHash: hex,
        sopId: text,
        sopVersion: z.number().int().min(1),
        stateHead: maybe(hex),
        status: z.enum(['open', 'closed']),
        steps: z.array(text),
        subject: text,
        updatedAt: text,
        version: z.number().int().min(0),
      })
      .strict(),
    treeHead: z
      .object({
        keyId: hex,
        root: hex,
        signature: base64(86),
        size: z.number().int().min(0),
        timestamp: text,
      })
      .strict(),
  })
  .strict()

export type Bundle = z.infer<typeof bundleSchema>

export interface BundleCheck {
  ok: boolean
  ticketId: string | null
  keyId: string | null
  treeHead: Bundle['treeHead'] | null
  /** Every problem found, in words; empty when the bundle verifies. */
  problems: string[]
  /** The record-level result (chain, replay, ticket summary) once the bundle's form is right. */
  result: VerifyResult | null
}

/**
 * Verifies an evidence bundle from its exact bytes, offline: form, signatures, the records'
 * chain and inclusion proofs, the SOP document's hash, the replay, and the summary against it.
 * `key`: the public key the auditor trusts (PEM, or base64 of its 32 bytes); `head`: a signed
 * tree head the auditor holds, which the bundle must be proved against.
 */
export function checkBundle(
  bytes: Buffer,
  options: { key?: string; head?: unknown; quick?: boolean } = {},
): BundleCheck {
  const out: BundleCheck = {
    ok: false,
    ticketId: null,
    keyId: null,
    treeHead: null,
    problems: [],
    result: null,
  }
  const fail = (p: string) => {
    out.problems.push(p)
    return out
  }
  let textForm: string
  try {
    textForm = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return fail('the bundle is not UTF-8 text')
  }
  let raw: unknown
  try {
    raw = JSON.parse(textForm)
  } catch (err) {
    return fail(`the bundle is not JSON: ${(err as Error).message}`)
  }
  if (canonicalJson(raw) !== textForm)
    return fail(
      'the bundle is not in canonical form (its bytes were changed: spacing, member order or escapes)',
    )
  const parsed = bundleSchema.safeParse(raw)
  if (!parsed.success)
    return fail(
      `the bundle is not a ${BUNDLE_FORMAT} bundle: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'bundle'}: ${i.message}`).join('; ')}`,
    )
  const b = parsed.data
  out.ticketId = b.ticket.id
  out.keyId = b.keyId
  out.treeHead = b.treeHead
  const pub = Buffer.from(b.publicKey, 'base64')
  if (hash('sha256', pub, 'hex') !== b.keyId)
    out.problems.push('the key id is not the SHA-256 of the public key')
  let key: ReturnType<typeof createPublicKey>
  try {
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') },
      format: 'jwk',
    })
  } catch {
    return fail('the public key is not an Ed25519 key')
  }
  if (options.key !== undefined) {
    const trusted = publicKeyFrom(options.key)
    if (trusted.keyId !== b.keyId)
      out.problems.push(`the bundle is signed with key ${b.keyId}, not with the trusted key ${trusted.keyId}`)
  }
  const { signature, ...unsigned } = b
  if (!verify(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key, Buffer.from(signature, 'base64')))
    out.problems.push('the bundle signature does not verify: the bundle was changed after it was exported')
  // quick: stop at the first failing stage (the signature covers every byte of the bundle).
  if (options.quick && out.problems.length) return out
  const th = b.treeHead
  if (th.keyId !== b.keyId) out.problems.push(`the tree head is signed with key ${th.keyId}, not ${b.keyId}`)
  if (!headSignatureValid(th, key))
    out.problems.push(`the signature of the tree head of ${th.size} records does not verify`)
  if (options.head !== undefined) {
    const h = options.head as Record<string, unknown>
    if (canonicalJson(h) !== canonicalJson(th))
      out.problems.push(
        `the bundle is proved against the tree head of ${th.size} records (root ${th.root}), not the head you hold (${String(h?.size)} records, root ${String(h?.root)})`,
      )
  }
  // The records in the ledger.
  const root = fromHex(th.root) as Uint8Array
  if (b.proofs.length !== b.records.length)
    out.problems.push(`the bundle has ${b.records.length} records but ${b.proofs.length} inclusion proofs`)
  const leaves = new Set<number>()
  b.records.forEach((r, i) => {
    if (leaves.has(r.leaf))
      out.problems.push(`record ${r.seq} names leaf ${r.leaf}, which another record names too`)
    leaves.add(r.leaf)
    const proof = (b.proofs[i] ?? []).map((p) => fromHex(p) as Uint8Array)
    const leaf = leafHash(fromHex(r.hash) as Uint8Array, sha256Bytes)
    if (!verifyInclusion(r.leaf, th.size, leaf, proof, root, sha256Bytes))
      out.problems.push(
        `record ${r.seq} is not proved to be leaf ${r.leaf} of the signed tree head of ${th.size} records`,
      )
    if (r.ticketId !== b.ticket.id)
      out.problems.push(`record ${r.seq} belongs to ticket ${r.ticketId}, not ${b.ticket.id}`)
  })
  // The SOP document: its hash is over exactly its bytes.
  const s = b.sop
  if (sha256(s.document) !== s.hash) out.problems.push(`the SOP document does not match its hash ${s.hash}`)
  if (s.hash !== b.ticket.sopHash)
    out.problems.push(`the ticket ran on SOP hash ${b.ticket.sopHash}, not ${s.hash}`)
  if (s.id !== b.ticket.sopId || s.version !== b.ticket.sopVersion)
    out.problems.push(
      `the SOP is ${s.id} version ${s.version}, but the ticket names ${b.ticket.sopId} version ${b.ticket.sopVersion}`,
    )
  const created = b.records[0]?.payload as { ticket?: Record<string, unknown> } | undefined
  if (b.records[0]?.type !== 'created' || created?.ticket?.sopHash !== s.hash)
    out.problems.push("the ticket's first record does not pin it to this SOP document")
  // The calendars the SOP version pins: the first record carries their digest (tickets started
  // before it did carry none; their calendars are covered by the bundle's signature only).
  const anchored = created?.ticket?.calendarsHash ?? null
  if (anchored && anchored !== calendarsDigest(s.calendars ?? {}, sha256, s.teamCalendars ?? {}))
    out.problems.push(`the calendars do not match the digest ${anchored} the ticket's first record pins`)
  // The records' chain, replay, and the summary.
  let sop: ReturnType<typeof compile> | null = null
  try {
    sop = compile(JSON.parse(s.document), { calendars: s.calendars, teamCalendars: s.teamCalendars, sha256 })
  } catch (err) {
    out.problems.push(`the SOP document cannot be compiled: ${(err as Error).message}`)
  }
  if (sop) {
    const { fields, stateHead, ...row } = b.ticket
    const t = { ...row, state: { head: stateHead } } as unknown as TicketRow
    const result = verifyAudit(sop, t, b.records as AuditRow[], { summaryFields: fields })
    out.result = result
    out.problems.push(...result.problems)
  }
  out.ok = out.problems.length === 0
  return out
}
