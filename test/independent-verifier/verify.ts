// An evidence bundle verifier written from docs/evidence.md alone. It shares no code with sopflow:
// its own canonical JSON, its own RFC 9162 Merkle verification, @noble/hashes SHA-256 and
// @noble/curves Ed25519. It checks steps 1–6 of the procedure (everything but the SOP replay).
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'

const utf8 = (s: string) => new TextEncoder().encode(s)
const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const bytesOf = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16))
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
const b64Of = (b: Uint8Array) => btoa(String.fromCharCode(...b))
const isHex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)

/** Canonical JSON as the document defines it: sorted keys (UTF-16 order), no whitespace. */
function canon(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(o[k])}`).join(',')}}`
}

function merkleNode(l: Uint8Array, r: Uint8Array): Uint8Array {
  const m = new Uint8Array(65)
  m[0] = 1
  m.set(l, 1)
  m.set(r, 33)
  return sha256(m)
}

/** RFC 9162 section 2.1.3.2. */
export function inclusionOk(
  index: number,
  size: number,
  leaf: Uint8Array,
  path: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of path) {
    if (sn === 0) return false
    if ((fn & 1) === 1 || fn === sn) {
      r = merkleNode(p, r)
      while ((fn & 1) === 0 && fn !== 0) {
        fn >>= 1
        sn >>= 1
      }
    } else r = merkleNode(r, p)
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && hexOf(r) === hexOf(root)
}

const SHAPE: Record<string, string[]> = {
  '': [
    'exportedAt',
    'exportedBy',
    'format',
    'keyId',
    'proofs',
    'publicKey',
    'records',
    'signature',
    'sop',
    'ticket',
    'treeHead',
  ],
  sop: ['document', 'hash', 'id', 'version'],
  treeHead: ['keyId', 'root', 'signature', 'size', 'timestamp'],
  record: ['actorId', 'at', 'hash', 'leaf', 'payload', 'prevHash', 'role', 'seq', 'ticketId', 'type'],
  ticket: [
    'assigneeId',
    'auditHead',
    'auditSeq',
    'channel',
    'closedAt',
    'createdAt',
    'customerId',
    'dueAt',
    'fields',
    'id',
    'outcome',
    'priority',
    'queue',
    'sopHash',
    'sopId',
    'sopVersion',
    'stateHead',
    'status',
    'steps',
    'subject',
    'updatedAt',
    'version',
  ],
}

const ENGINE_TYPES = ['created', 'transition', 'update', 'override', 'timer', 'reopen']

/** Returns the problems found; an empty list means the bundle verifies. */
export function independentVerify(bytes: Uint8Array, trustedPublicKey?: string): string[] {
  const problems: string[] = []
  let text: string
  let b: any
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    b = JSON.parse(text)
  } catch {
    return ['not UTF-8 JSON']
  }
  if (canon(b) !== text) return ['not canonical JSON']
  const shape = (v: any, name: string, where: string) => {
    if (
      !v ||
      typeof v !== 'object' ||
      Array.isArray(v) ||
      canon(Object.keys(v).sort()) !== canon(SHAPE[name])
    )
      problems.push(`${where || 'bundle'} does not have exactly the members of the format`)
  }
  shape(b, '', '')
  if (problems.length) return problems
  // The SOP carries the calendars its version pins when it counts business time, and the calendar
  // of each team responsible for its steps when a team has one.
  const { calendars, teamCalendars, ...sopMembers } = b.sop ?? {}
  shape(sopMembers, 'sop', 'sop')
  shape(b.treeHead, 'treeHead', 'treeHead')
  shape(b.ticket, 'ticket', 'ticket')
  if (!Array.isArray(b.records) || !Array.isArray(b.proofs))
    return [...problems, 'records or proofs not lists']
  for (const [i, r] of b.records.entries()) shape(r, 'record', `records[${i}]`)
  if (problems.length) return problems
  if (b.format !== 'sopflow-evidence/v2') problems.push('wrong format')
  // Step 1: the key and the signatures.
  let pub: Uint8Array
  try {
    pub = b64(b.publicKey)
  } catch {
    return [...problems, 'public key not base64']
  }
  if (pub.length !== 32 || b64Of(pub) !== b.publicKey)
    problems.push('public key not 32 bytes in canonical base64')
  if (hexOf(sha256(pub)) !== b.keyId) problems.push('key id is not the hash of the public key')
  if (trustedPublicKey !== undefined && trustedPublicKey !== b.publicKey) problems.push('not the trusted key')
  const sigOk = (sig: unknown, msg: Uint8Array) => {
    try {
      const s = b64(String(sig))
      return s.length === 64 && b64Of(s) === sig && ed25519.verify(s, msg, pub)
    } catch {
      return false
    }
  }
  const { signature, ...unsigned } = b
  if (!sigOk(signature, utf8(canon(unsigned)))) problems.push('bundle signature')
  const h = b.treeHead
  if (!Number.isInteger(h.size) || h.size < 0 || !isHex(h.root) || h.keyId !== b.keyId)
    problems.push('tree head form')
  const headMsg = ['sopflow-tree-head/v1', String(h.size), h.root, h.timestamp, h.keyId].join('\n')
  if (!sigOk(h.signature, utf8(headMsg))) problems.push('tree head signature')
  // Step 2: the chain. Step 3: the ledger.
  const t = b.ticket
  let prev: string | null = null
  if (b.proofs.length !== b.records.length) problems.push('one proof per record')
  const leaves = new Set<number>()
  b.records.forEach((r: any, i: number) => {
    const entry = {
      actorId: r.actorId,
      at: r.at,
      payload: r.payload,
      role: r.role,
      seq: r.seq,
      ticketId: r.ticketId,
      type: r.type,
    }
    if (r.seq !== i || r.prevHash !== prev || r.ticketId !== t.id) problems.push(`record ${i} out of place`)
    if (!isHex(r.hash) || hexOf(sha256(utf8(`${r.prevHash ?? ''}\n${canon(entry)}`))) !== r.hash)
      problems.push(`record ${i} hash`)
    prev = r.hash
    if (!Number.isInteger(r.leaf) || r.leaf < 0 || leaves.has(r.leaf)) problems.push(`record ${i} leaf`)
    leaves.add(r.leaf)
    const proof = b.proofs[i]
    const leafInput = new Uint8Array(33)
    leafInput.set(isHex(r.hash) ? bytesOf(r.hash) : new Uint8Array(32), 1)
    if (
      !Array.isArray(proof) ||
      !proof.every(isHex) ||
      !isHex(h.root) ||
      !inclusionOk(r.leaf, h.size, sha256(leafInput), proof.map(bytesOf), bytesOf(h.root))
    )
      problems.push(`record ${i} inclusion proof`)
  })
  if (prev !== t.auditHead || t.auditSeq !== b.records.length) problems.push('audit head or count')
  // Step 4: the SOP document, hashed over exactly its bytes, pinned by the first record.
  const first = b.records[0]
  if (hexOf(sha256(utf8(b.sop.document))) !== b.sop.hash) problems.push('SOP document hash')
  if (
    b.sop.hash !== t.sopHash ||
    b.sop.id !== t.sopId ||
    b.sop.version !== t.sopVersion ||
    first?.type !== 'created' ||
    first?.payload?.ticket?.sopHash !== b.sop.hash ||
    first?.payload?.ticket?.sopId !== t.sopId ||
    first?.payload?.ticket?.sopVersion !== t.sopVersion
  )
    problems.push('SOP pinning')
  // The calendars, hashed over their canonical JSON, against the digest the first record pins.
  const calendarsHash = first?.payload?.ticket?.calendarsHash
  if (calendarsHash !== undefined) {
    const carried = calendars && typeof calendars === 'object' ? calendars : {}
    const teams = teamCalendars && typeof teamCalendars === 'object' ? teamCalendars : {}
    const hashed = Object.keys(teams).length ? { calendars: carried, teams } : carried
    if (!Object.keys(carried).length || hexOf(sha256(utf8(canon(hashed)))) !== calendarsHash)
      problems.push('SOP calendars hash')
  }
  // Step 5 (the parts that need no SOP engine): the summary against the records.
  const created = first?.payload?.ticket ?? {}
  for (const k of ['channel', 'subject', 'customerId'])
    if ((created[k] ?? null) !== t[k]) problems.push(`summary ${k}`)
  if (first?.at !== t.createdAt) problems.push('summary createdAt')
  const engine = b.records
    .filter((r: any) => ENGINE_TYPES.includes(r.type))
    .map((r: any) => r.payload?.record)
  const last = engine[engine.length - 1]
  if (!last || typeof last !== 'object') problems.push('no engine record')
  else {
    if (hexOf(sha256(utf8(canon(last)))) !== t.stateHead) problems.push('summary stateHead')
    if (last.status !== t.status || (last.outcome ?? null) !== t.outcome)
      problems.push('summary status or outcome')
  }
  return problems
}
