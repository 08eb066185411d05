import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex, verifyConsistency, verifyInclusion } from '../../engine/index.ts'
import { loadOrCreateKey } from '../../server/ledger/keys.ts'
import { LedgerService, lastHead } from '../../server/ledger/ledger.ts'
import { sha256Bytes } from '../../server/ledger/sha.ts'
import { signHead } from '../../server/ledger/treeHead.ts'
import type { AuditRow } from '../../server/storage/types.ts'
import { NOW } from './commitFixtures.ts'

import { key, problem, tmp, withRecords } from './ledgerRecords.ts'

describe('proofs', () => {
  it('proves each record included in a tree of any size up to the ledger', async () => {
    const { storage } = await withRecords(5)
    const ledger = new LedgerService(storage, key)
    for (const size of [1, 3, 5]) {
      const root = await ledger.rootOf(size)
      for (let leaf = 0; leaf < size; leaf++) {
        const p = await ledger.inclusion(leaf, size)
        const record = (await storage.ledgerRecord(leaf))!
        expect(p.leaf).toBe(leaf)
        expect(p.size).toBe(size)
        expect(p.record).toEqual({ ticketId: record.ticketId, seq: record.seq, hash: record.hash })
        expect(p.leafHash).toBe(LedgerService.leafOf(record.hash))
        const proof = p.proof.map((h) => fromHex(h)!)
        expect(verifyInclusion(leaf, size, fromHex(p.leafHash)!, proof, root, sha256Bytes)).toBe(true)
      }
    }
  })

  it('refuses a tree size the ledger does not have, and a leaf outside the tree', async () => {
    const { storage } = await withRecords(3)
    const ledger = new LedgerService(storage, key)
    for (const size of [4, -1, 1.5]) {
      const p = await problem(ledger.inclusion(0, size))
      expect(p.status).toBe(422)
      expect(p.code).toBe('ledger_size_unknown')
      expect(p.message).toBe(`The ledger has 3 records; size ${size} is not a tree size`)
      expect(p.extra).toEqual({ size, current: 3 })
    }
    for (const [leaf, size] of [
      [3, 3],
      [-1, 3],
      [0.5, 3],
      [0, 0],
      [2, 2],
    ]) {
      const p = await problem(ledger.inclusion(leaf, size))
      expect(p.status).toBe(422)
      expect(p.code).toBe('ledger_leaf_unknown')
      expect(p.message).toBe(`Leaf ${leaf} is not in a tree of ${size} records`)
      expect(p.extra).toEqual({ leaf, size })
    }
  })

  it('proves consistency between sizes, and refuses sizes that have none', async () => {
    const { storage } = await withRecords(5)
    const ledger = new LedgerService(storage, key)
    for (const [from, to] of [
      [1, 5],
      [2, 3],
      [3, 3],
    ]) {
      const c = await ledger.consistency(from, to)
      expect(c.from).toBe(from)
      expect(c.to).toBe(to)
      const proof = c.proof.map((h) => fromHex(h)!)
      expect(
        verifyConsistency(from, to, await ledger.rootOf(from), await ledger.rootOf(to), proof, sha256Bytes),
      ).toBe(true)
    }
    const big = await problem(ledger.consistency(1, 6))
    expect(big.message).toBe('The ledger has 5 records; to 6 is not a tree size')
    for (const [from, to] of [
      [0, 3],
      [4, 3],
      [1.5, 3],
      [1, 0],
    ]) {
      const p = await problem(ledger.consistency(from, to))
      expect(p.status).toBe(422)
      expect(p.code).toBe('ledger_size_unknown')
      expect(p.message).toBe(`No consistency proof from size ${from} to size ${to}`)
      expect(p.extra).toEqual({ from, to })
    }
  })
})

describe('checking records against the ledger', () => {
  it('proves every record of a ticket in the latest head', async () => {
    const { storage } = await withRecords(4)
    const audit = await storage.getAudit('t_2')
    expect(await new LedgerService(storage, key).checkRecords(audit)).toEqual({
      ok: true,
      size: 4,
      problems: [],
    })
  })

  it('names records that name no leaf, before and among ones that verify', async () => {
    const { storage } = await withRecords(4)
    const good = [...(await storage.getAudit('t_1')), ...(await storage.getAudit('t_3'))]
    const bad = (leaf: unknown, seq: number) => ({ ...good[0], seq, leaf }) as AuditRow
    const check = await new LedgerService(storage, key).checkRecords([
      bad(null, 7),
      bad(-1, 8),
      bad(1.5, 9),
      bad(4, 10),
      bad('1', 11),
      ...good,
    ])
    expect(check.ok).toBe(false)
    expect(check.size).toBe(4)
    expect(check.problems).toEqual([
      { seq: 7, message: 'record 7 names no leaf of the ledger (null)' },
      { seq: 8, message: 'record 8 names no leaf of the ledger (-1)' },
      { seq: 9, message: 'record 9 names no leaf of the ledger (1.5)' },
      { seq: 10, message: 'record 10 names no leaf of the ledger (4)' },
      { seq: 11, message: 'record 11 names no leaf of the ledger (1)' },
    ])
  })

  it('names a record whose hash is not its leaf', async () => {
    const { storage } = await withRecords(3)
    const [a] = await storage.getAudit('t_1')
    const check = await new LedgerService(storage, key).checkRecords([
      { ...a, hash: 'ab'.repeat(32) },
      { ...a, hash: 'zz' },
    ])
    expect(check.problems).toEqual([
      {
        seq: 0,
        message:
          'record 0 is not leaf 1 of the signed tree head of 3 records: it was changed, or the ledger was',
      },
      {
        seq: 0,
        message:
          'record 0 is not leaf 1 of the signed tree head of 3 records: it was changed, or the ledger was',
      },
    ])
  })

  it('names a head whose signature does not verify, and one whose root cannot be read', async () => {
    const { storage } = await withRecords(2)
    await new LedgerService(storage, loadOrCreateKey(null)).head()
    const audit = await storage.getAudit('t_0')
    const forged = await new LedgerService(storage, key).checkRecords(audit)
    expect(forged).toEqual({
      ok: false,
      size: 2,
      problems: [{ message: `the signature of tree head 2 does not verify with key ${key.keyId}` }],
    })
    const other = await withRecords(2)
    await other.storage.saveTreeHead(
      signHead({ size: 2, root: 'zz', timestamp: NOW, keyId: key.keyId }, key.privateKey),
    )
    const unreadable = await new LedgerService(other.storage, key).checkRecords(
      await other.storage.getAudit('t_1'),
    )
    expect(unreadable.problems).toEqual([
      {
        seq: 0,
        message:
          'record 0 is not leaf 1 of the signed tree head of 2 records: it was changed, or the ledger was',
      },
    ])
  })

  it('reports a head it cannot sign as the only problem, with size 0', async () => {
    const file = join(tmp(), 'heads.jsonl')
    await new LedgerService((await withRecords(2, 'a')).storage, key, { headsFile: file }).head()
    const { storage } = await withRecords(2, 'b')
    const check = await new LedgerService(storage, key, { headsFile: file }).checkRecords(
      await storage.getAudit('b_0'),
    )
    expect(check).toEqual({
      ok: false,
      size: 0,
      problems: [
        {
          message:
            'The ledger (2 records) does not extend the signed tree head of 2 records: records were changed or removed',
        },
      ],
    })
  })

  it("gives a record's leaf hash as the ledger stores it", async () => {
    const { storage } = await withRecords(1)
    expect(LedgerService.leafOf((await storage.ledgerRecord(0))!.hash)).toBe(
      toHex((await storage.ledgerNodes([[0, 0]]))[0]),
    )
  })
})

describe('the last head of a heads file', () => {
  it('is none without a file, or without a readable head in it', () => {
    const dir = tmp()
    expect(lastHead(join(dir, 'missing.jsonl'))).toBeNull()
    const file = join(dir, 'heads.jsonl')
    writeFileSync(file, '\n  \nnot json\n{"size":1.5,"root":"ab"}\n{"size":2,"root":3}\n')
    expect(lastHead(file)).toBeNull()
  })

  it('is the last line that is a head, past blank and damaged lines after it', () => {
    const file = join(tmp(), 'heads.jsonl')
    const h = (size: number) => ({
      ...signHead({ size, root: 'ab'.repeat(32), timestamp: NOW, keyId: 'k' }, key.privateKey),
    })
    writeFileSync(
      file,
      `${JSON.stringify(h(1))}\n${JSON.stringify(h(2))}\n{"size":3,\n\n   \n{"size":"4","root":"ab"}\n`,
    )
    expect(lastHead(file)).toEqual(h(2))
    writeFileSync(file, `${JSON.stringify(h(1))}\n${JSON.stringify(h(2))}`)
    expect(lastHead(file)).toEqual(h(2))
  })
})
