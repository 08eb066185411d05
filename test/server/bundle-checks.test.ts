import { sign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  canonicalJson,
  inclusionProof,
  leafHash,
  memorySubtrees,
  toHex,
  treeHash,
} from '../../engine/index.ts'
import { signHead } from '../../server/ledger/treeHead.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { linkHash, sha256 } from '../../server/services/crypto.ts'
import { entryOf } from '../../server/services/verification.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import { setup } from './helpers.ts'
import { busyTicket, type Ctx } from './ledgerFixture.ts'

/**
 * Each check of docs/evidence.md ("Verifying a bundle") against a bundle tampered in exactly that
 * part. The forger here holds the installation's signing key, so everything else about the
 * bundle is made consistent again (its signature, the chain, even a new signed tree), and only
 * the check under test can catch the change.
 */
type Bundle = Record<string, any>
let ctx: Ctx
let good: Buffer
let bundle: Bundle

beforeAll(async () => {
  ctx = await setup()
  const id = await busyTicket(ctx)
  const res = await ctx.sopflow.app.request(`/api/tickets/${id}/evidence`, {
    headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
  })
  expect(res.status).toBe(200)
  good = Buffer.from(await res.arrayBuffer())
  bundle = JSON.parse(good.toString('utf8'))
})
afterAll(() => ctx?.storage.close())

const copy = (): Bundle => structuredClone(bundle)
const key = () => ctx.sopflow.ledger.key.privateKey
/** The bundle's bytes, signed again over whatever it now holds. */
function resign(b: Bundle): Buffer {
  const { signature: _s, ...rest } = b
  return Buffer.from(
    canonicalJson({
      ...rest,
      signature: sign(null, Buffer.from(canonicalJson(rest)), key()).toString('base64'),
    }),
  )
}
/** Re-chains the records, puts them in a new tree signed with the key, and re-signs the bundle. */
function forge(b: Bundle): Buffer {
  let prev: string | null = null
  b.records.forEach((r: AuditRow, i: number) => {
    r.prevHash = prev
    r.hash = linkHash(prev, entryOf(r))
    r.leaf = i
    prev = r.hash
  })
  b.ticket.auditHead = prev
  const leaves = b.records.map((r: AuditRow) => leafHash(Buffer.from(r.hash, 'hex')))
  const n = leaves.length
  const subtree = memorySubtrees(leaves)
  b.proofs = leaves.map((_: unknown, i: number) => inclusionProof(i, n, subtree).map(toHex))
  const { signature: _s, ...head } = b.treeHead
  b.treeHead = signHead({ ...head, size: n, root: toHex(treeHash(leaves)) }, key())
  return resign(b)
}
const problemsOf = (bytes: Buffer, options?: Parameters<typeof checkBundle>[1]) =>
  checkBundle(bytes, options).problems

describe('an evidence bundle', () => {
  it('as exported verifies, and so does one forged without a change (the forger is sound)', () => {
    expect(problemsOf(good)).toEqual([])
    // The ticket is the only one in the ledger, so a tree of its records is the whole tree.
    expect(bundle.records.map((r: AuditRow) => r.leaf)).toEqual(
      bundle.records.map((_: unknown, i: number) => i),
    )
    expect(bundle.treeHead.size).toBe(bundle.records.length)
    expect(problemsOf(forge(copy()))).toEqual([])
    expect(bundle.records.map((r: AuditRow) => r.type)).toEqual([
      'created',
      'rejected',
      'assignment',
      'transition',
      'note',
    ])
  })

  it('fails its form when its bytes are not canonical JSON or it has a member the format lacks', () => {
    expect(problemsOf(Buffer.from(JSON.stringify(bundle, null, 1)))).toEqual([
      expect.stringContaining('the bundle is not in canonical form'),
    ])
    const extra = copy()
    extra.ticket.approvedBy = 'the CEO'
    expect(problemsOf(resign(extra))).toEqual([
      expect.stringMatching(/not a sopflow-evidence\/v2 bundle: ticket: .*approvedBy/),
    ])
    expect(problemsOf(Buffer.from([0xff, 0xfe, 0x7b]))).toEqual(['the bundle is not UTF-8 text'])
  })

  it('fails its key when the key id is not the public key’s hash, or the key is not the one trusted', () => {
    const b = copy()
    b.keyId = sha256('another key')
    b.treeHead = signHead({ ...b.treeHead, keyId: b.keyId }, key())
    expect(problemsOf(resign(b))).toEqual(['the key id is not the SHA-256 of the public key'])
    const other = Buffer.alloc(32, 7).toString('base64')
    expect(problemsOf(good, { key: other })).toEqual([
      expect.stringMatching(
        /^the bundle is signed with key [0-9a-f]{64}, not with the trusted key [0-9a-f]{64}$/,
      ),
    ])
    expect(problemsOf(good, { key: ctx.sopflow.ledger.key.publicKeyPem })).toEqual([])
  })

  it('fails its signature when any member changed after the export', () => {
    const b = copy()
    b.exportedAt = '2026-03-03T08:00:00.000Z'
    expect(problemsOf(Buffer.from(canonicalJson(b)))).toEqual([
      'the bundle signature does not verify: the bundle was changed after it was exported',
    ])
  })

  it('fails the tree head’s signature when the head was changed, and a head other than the one held', () => {
    const b = copy()
    b.treeHead.timestamp = '2026-03-03T08:00:00.000Z'
    expect(problemsOf(resign(b))).toEqual([
      `the signature of the tree head of ${bundle.treeHead.size} records does not verify`,
    ])
    const other = copy()
    other.treeHead.keyId = sha256('x')
    expect(problemsOf(resign(other))).toContain(
      `the tree head is signed with key ${sha256('x')}, not ${bundle.keyId}`,
    )
    const held = signHead({ ...bundle.treeHead, timestamp: '2026-03-04T08:00:00.000Z' }, key())
    expect(problemsOf(good, { head: held })).toEqual([expect.stringContaining('not the head you hold')])
    expect(problemsOf(good, { head: bundle.treeHead })).toEqual([])
  })

  it('fails the chain when a record was changed, dropped, or names another predecessor', () => {
    const changed = copy()
    changed.records[4].payload.text = 'Never called the bank'
    expect(problemsOf(resign(changed))).toEqual([
      'hash chain broken at record 4: record 4 was changed after it was written (its hash does not match its content)',
    ])
    const relinked = copy()
    relinked.records[2].prevHash = relinked.records[0].hash
    expect(problemsOf(resign(relinked))).toEqual([
      "hash chain broken at record 2: record 2 does not name the previous record's hash",
    ])
    // A record taken out and the rest re-chained: the numbering gives it away.
    const dropped = copy()
    dropped.records.splice(1, 1)
    expect(problemsOf(forge(dropped))).toEqual([
      'hash chain broken at record 2: record 1 has number 2: a record is missing or out of place',
    ])
    const head = copy()
    head.ticket.auditHead = bundle.records[3].hash
    expect(problemsOf(resign(head))).toEqual([
      "hash chain broken at record 4: the log's last hash does not match the ticket's head: records were removed or added",
      `ticket audit head hash is ${bundle.records[3].hash}, but the history gives ${bundle.records[4].hash}`,
    ])
  })

  it('fails an inclusion proof when a proof, a leaf number or the number of proofs is wrong', () => {
    const proof = copy()
    proof.proofs[2] = [...proof.proofs[2]].reverse()
    expect(problemsOf(resign(proof))).toEqual([
      `record 2 is not proved to be leaf 2 of the signed tree head of ${bundle.treeHead.size} records`,
    ])
    const twice = copy()
    twice.records[1].leaf = 0
    twice.proofs[1] = twice.proofs[0]
    expect(problemsOf(resign(twice))).toEqual([
      'record 1 names leaf 0, which another record names too',
      `record 1 is not proved to be leaf 0 of the signed tree head of ${bundle.treeHead.size} records`,
    ])
    const fewer = copy()
    fewer.proofs.pop()
    expect(problemsOf(resign(fewer))).toEqual([
      `the bundle has ${bundle.records.length} records but ${bundle.records.length - 1} inclusion proofs`,
      `record 4 is not proved to be leaf 4 of the signed tree head of ${bundle.treeHead.size} records`,
    ])
  })

  it('fails the SOP document check when its bytes, its hash or its name differ from what the ticket ran on', () => {
    const doc = copy()
    doc.sop.document = doc.sop.document.replace('{', '{"approvedBy":"the CEO",')
    expect(problemsOf(resign(doc))).toEqual([`the SOP document does not match its hash ${bundle.sop.hash}`])
    // The document and its hash changed together: the ticket and its first record still name the old one.
    const swapped = copy()
    swapped.sop.document = doc.sop.document
    swapped.sop.hash = sha256(doc.sop.document)
    expect(problemsOf(resign(swapped))).toEqual([
      `the ticket ran on SOP hash ${bundle.ticket.sopHash}, not ${swapped.sop.hash}`,
      "the ticket's first record does not pin it to this SOP document",
    ])
    const version = copy()
    version.sop.version = 2
    expect(problemsOf(resign(version))).toEqual([
      `the SOP is support-ticket version 2, but the ticket names support-ticket version ${bundle.ticket.sopVersion}`,
    ])
  })

  it('fails the replay when an engine record says something the SOP did not decide, even with a consistent chain and tree', () => {
    const b = copy()
    b.records[3].payload.record.to = ['resolved']
    expect(problemsOf(forge(b))).toEqual([
      expect.stringMatching(/^replay diverges at record 1: recorded to differ from what the SOP gives/),
    ])
    const kind = copy()
    kind.records[3].type = 'timer'
    expect(problemsOf(forge(kind))).toEqual([
      'replay diverges at record 3: record 3 is of type timer but holds an engine record of kind action',
    ])
    const stranger = copy()
    stranger.records[4].type = 'memo'
    expect(problemsOf(forge(stranger))).toEqual([
      'replay diverges at record 4: record 4 has type "memo", which sopflow does not write',
    ])
  })

  it('fails the summary when the ticket differs from what its history gives', () => {
    const subject = copy()
    subject.ticket.subject = 'Not charged'
    expect(problemsOf(resign(subject))).toEqual([
      'ticket subject is Not charged, but the history gives Charged twice',
    ])
    const status = copy()
    status.ticket.status = 'closed'
    expect(problemsOf(resign(status))).toEqual([
      expect.stringMatching(/^ticket status is closed, but the history/),
    ])
    const fields = copy()
    fields.ticket.fields.customer_name = 'Someone else'
    expect(problemsOf(resign(fields))).toEqual([
      expect.stringMatching(
        /^ticket field values are .*Someone else.*, but the history gives .*Nguyễn Thị Lan/,
      ),
    ])
    const state = copy()
    state.ticket.stateHead = sha256('another state')
    expect(problemsOf(resign(state))).toEqual([
      "replay diverges at record 1: the last record does not match the ticket's stored head hash",
    ])
    const assignee = copy()
    assignee.ticket.assigneeId = ctx.users.supervisor
    expect(problemsOf(resign(assignee))).toEqual([expect.stringMatching(/^ticket assignee/)])
  })
})

describe('the outcome of a bundle check', () => {
  it('is ok only with no problem, and a quick check stops at the first failing stage', () => {
    expect(checkBundle(good)).toMatchObject({ ok: true, ticketId: bundle.ticket.id, keyId: bundle.keyId })
    const b = copy()
    b.exportedAt = '2026-03-03T08:00:00.000Z'
    b.treeHead.timestamp = '2026-03-03T08:00:00.000Z'
    const changed = Buffer.from(canonicalJson(b))
    expect(checkBundle(changed).ok).toBe(false)
    expect(checkBundle(changed).problems).toHaveLength(2)
    expect(checkBundle(changed, { quick: true }).problems).toEqual([
      'the bundle signature does not verify: the bundle was changed after it was exported',
    ])
    expect(checkBundle(good, { quick: true }).ok).toBe(true)
    expect(problemsOf(good, { head: null })).toEqual([
      `the bundle is proved against the tree head of ${bundle.treeHead.size} records (root ${bundle.treeHead.root}), not the head you hold (undefined records, root undefined)`,
    ])
    expect(checkBundle(Buffer.from('{"a":')).problems).toEqual([
      expect.stringMatching(/^the bundle is not JSON: ./),
    ])
  })

  it('names the member and the reason of a form error, hex and canonical base64 in full', () => {
    const keyId = copy()
    keyId.keyId = `${bundle.keyId}0`
    expect(problemsOf(resign(keyId))).toEqual([
      expect.stringMatching(/^the bundle is not a sopflow-evidence\/v2 bundle: keyId: ./),
    ])
    const short = copy()
    short.keyId = `x${bundle.keyId.slice(1)}`
    expect(problemsOf(resign(short))[0]).toMatch(/: keyId: /)
    // The last character of 32 bytes in base64 carries 2 unused bits: any but zero is not canonical.
    const key = copy()
    const last = key.publicKey.at(-2)
    const sibling = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last
    key.publicKey = `${key.publicKey.slice(0, -2)}${sibling}=`
    expect(problemsOf(resign(key))[0]).toMatch(/: publicKey: not canonical base64/)
  })

  it('names records of another ticket, an SOP of another name, a first record that is not the creation, unpinned calendars, and an SOP that does not compile', () => {
    const other = copy()
    other.records[4].ticketId = 't_other'
    expect(problemsOf(forge(other))).toContain(`record 4 belongs to ticket t_other, not ${bundle.ticket.id}`)
    const named = copy()
    named.sop.id = 'another-sop'
    expect(problemsOf(resign(named))).toEqual([
      `the SOP is another-sop version ${bundle.sop.version}, but the ticket names support-ticket version ${bundle.ticket.sopVersion}`,
    ])
    const first = copy()
    first.records[0].type = 'note'
    expect(problemsOf(forge(first))).toContain(
      "the ticket's first record does not pin it to this SOP document",
    )
    const pinned = copy()
    pinned.records[0].payload.ticket.calendarsHash = sha256('other calendars')
    expect(problemsOf(forge(pinned))).toContain(
      `the calendars do not match the digest ${sha256('other calendars')} the ticket's first record pins`,
    )
    const broken = copy()
    broken.sop.document = '{"schema":"sopflow/v1"}'
    broken.sop.hash = sha256(broken.sop.document)
    broken.ticket.sopHash = broken.sop.hash
    broken.records[0].payload.ticket.sopHash = broken.sop.hash
    const problems = problemsOf(forge(broken))
    expect(problems).toEqual([expect.stringMatching(/^the SOP document cannot be compiled: ./)])
    expect(checkBundle(forge(broken)).result).toBeNull()
    expect(checkBundle(good).result).not.toBeNull()
  })
})
