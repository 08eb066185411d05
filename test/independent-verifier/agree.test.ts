import { sign } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { canonicalJson, inclusionProof, leafHash, memorySubtrees, treeHash } from '../../engine/index.ts'
import { checkBundle } from '../../server/services/bundleCheck.ts'
import { setup } from '../server/helpers.ts'
import { busyTicket, type Ctx } from '../server/ledgerFixture.ts'
import { inclusionOk, independentVerify } from './verify.ts'

let ctx: Ctx
afterEach(async () => ctx?.storage.close())

describe('the independent verifier', () => {
  it('agrees with sopflow on a good bundle and on tampered ones, re-signed or not', async () => {
    ctx = await setup()
    const id = await busyTicket(ctx)
    const res = await ctx.sopflow.app.request(`/api/tickets/${id}/evidence`, {
      headers: { authorization: `Bearer ${ctx.tokens.auditor}` },
    })
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(independentVerify(bytes)).toEqual([])
    expect(checkBundle(bytes).ok).toBe(true)
    const bundle = JSON.parse(bytes.toString('utf8'))
    const { signature: _s, ...unsigned } = bundle
    const resign = (b: Record<string, unknown>) => {
      const { signature: _x, ...rest } = b
      const sig = sign(null, Buffer.from(canonicalJson(rest)), ctx.sopflow.ledger.key.privateKey).toString(
        'base64',
      )
      return Buffer.from(canonicalJson({ ...rest, signature: sig }))
    }
    const variants: [string, Buffer][] = [
      ['pretty-printed', Buffer.from(JSON.stringify(bundle, null, 2))],
      ['an extra member', Buffer.from(canonicalJson({ ...bundle, note: 'x' }))],
      [
        'relabelled ticket',
        Buffer.from(canonicalJson({ ...bundle, ticket: { ...bundle.ticket, id: 't_x' } })),
      ],
      ['status changed, re-signed', resign({ ...bundle, ticket: { ...bundle.ticket, status: 'closed' } })],
      ['subject changed, re-signed', resign({ ...bundle, ticket: { ...bundle.ticket, subject: 'Other' } })],
      [
        'last record cut, re-signed',
        resign({ ...unsigned, records: bundle.records.slice(0, -1), proofs: bundle.proofs.slice(0, -1) }),
      ],
      [
        'SOP document with an extra member, re-signed',
        resign({
          ...bundle,
          sop: { ...bundle.sop, document: bundle.sop.document.replace('{', '{"approvedBy":"the CEO",') },
        }),
      ],
      [
        'a proof changed, re-signed',
        resign({ ...bundle, proofs: [[...bundle.proofs[0]].reverse(), ...bundle.proofs.slice(1)] }),
      ],
    ]
    for (let i = 0; i < bytes.length; i += 97) {
      const changed = Buffer.from(bytes)
      changed[i] ^= 0x20
      variants.push([`byte ${i}`, changed])
    }
    for (const [name, v] of variants) {
      expect(independentVerify(v).length > 0, name).toBe(true)
      expect(checkBundle(v).ok, name).toBe(false)
    }
  })

  it('checks the inclusion proofs sopflow makes, in trees of every size up to 200', () => {
    const leaves = Array.from({ length: 200 }, (_, i) => leafHash(new Uint8Array([i, 3])))
    for (let n = 1; n <= 200; n += n < 40 ? 1 : 13) {
      const root = treeHash(leaves.slice(0, n))
      const subtree = memorySubtrees(leaves.slice(0, n))
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, subtree)
        expect(inclusionOk(m, n, leaves[m], proof, root)).toBe(true)
        expect(inclusionOk(m, n, leaves[(m + 1) % n], proof, root)).toBe(n === 1)
      }
    }
  })
})
