import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { canonicalJson, toHex, treeHash } from '../../engine/index.ts'
import { LedgerService, lastHead } from '../../server/ledger/ledger.ts'
import { sha256Bytes } from '../../server/ledger/sha.ts'
import { headJson, headSignatureValid } from '../../server/ledger/treeHead.ts'
import { NOW } from './commitFixtures.ts'

import { key, leaves, problem, sleep, ticking, tmp, withRecords } from './ledgerRecords.ts'

describe('tree heads', () => {
  it('signs the empty tree as the hash of nothing, and the root of the records once they grow', async () => {
    const { storage, add } = await withRecords(0)
    const ledger = new LedgerService(storage, key, { clock: ticking() })
    expect(toHex(await ledger.rootOf(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    const empty = await ledger.head()
    expect(empty.size).toBe(0)
    expect(empty.root).toBe(toHex(await ledger.rootOf(0)))
    await add(3)
    expect(await ledger.size()).toBe(3)
    const head = await ledger.head()
    expect(head.size).toBe(3)
    expect(head.root).toBe(toHex(treeHash(await leaves(storage), sha256Bytes)))
    expect(head.keyId).toBe(key.keyId)
    expect(head.timestamp).toBe('2026-03-02T09:00:02.000Z')
    expect(headSignatureValid(head, key.publicKey)).toBe(true)
    expect(await storage.treeHead(3)).toEqual(head)
  })

  it('signs a new head only when the tree grew, also across services on one database', async () => {
    const { storage, add } = await withRecords(2)
    const clock = ticking()
    const first = await new LedgerService(storage, key, { clock }).head()
    const ledger = new LedgerService(storage, key, { clock })
    expect(await ledger.head()).toEqual(first)
    expect(await ledger.head()).toEqual(first)
    await add(1)
    const grown = await ledger.head()
    expect(grown.size).toBe(3)
    expect(grown.timestamp).not.toBe(first.timestamp)
    expect(await ledger.head()).toEqual(grown)
  })

  it('has no node for a tree larger than the ledger', async () => {
    const { storage } = await withRecords(2)
    await expect(new LedgerService(storage, key).rootOf(5)).rejects.toThrow(/The ledger has no node/)
  })

  it('appends each head to the heads file as canonical JSON, one a line', async () => {
    const { storage, add } = await withRecords(1)
    const file = join(tmp(), 'heads.jsonl')
    const ledger = new LedgerService(storage, key, { headsFile: file, clock: ticking() })
    const one = await ledger.head()
    await add(1)
    const two = await ledger.head()
    expect(readFileSync(file, 'utf8')).toBe(
      `${canonicalJson(headJson(one))}\n${canonicalJson(headJson(two))}\n`,
    )
    expect(lastHead(file)).toEqual(two)
  })

  it('refuses to sign a tree that does not extend the last head in the heads file', async () => {
    const file = join(tmp(), 'heads.jsonl')
    const a = await withRecords(3, 'a')
    await new LedgerService(a.storage, key, { headsFile: file }).head()
    const other = await withRecords(3, 'b')
    const p = await problem(new LedgerService(other.storage, key, { headsFile: file }).head())
    expect(p.status).toBe(409)
    expect(p.code).toBe('ledger_rewritten')
    expect(p.message).toBe(
      'The ledger (3 records) does not extend the signed tree head of 3 records: records were changed or removed',
    )
    expect(p.extra).toEqual({ size: 3, signedSize: 3 })
    const smaller = await withRecords(2, 'a')
    const q = await problem(new LedgerService(smaller.storage, key, { headsFile: file }).head())
    expect(q.message).toBe(
      'The ledger (2 records) does not extend the signed tree head of 3 records: records were changed or removed',
    )
  })

  it('signs a tree that extends the heads file, or equals it; refuses a head whose root is unreadable', async () => {
    const { storage, add } = await withRecords(3)
    const file = join(tmp(), 'heads.jsonl')
    const root = toHex(await new LedgerService(storage, key).rootOf(3))
    const anchor = { keyId: key.keyId, root, signature: 'x', size: 3, timestamp: NOW }
    writeFileSync(file, `${JSON.stringify(anchor)}\n`)
    expect((await new LedgerService(storage, key, { headsFile: file }).head()).size).toBe(3)
    await add(1)
    expect((await new LedgerService(storage, key, { headsFile: file }).head()).size).toBe(4)
    const fresh = await withRecords(3)
    writeFileSync(file, `${JSON.stringify({ ...anchor, root: 'zz' })}\n`)
    expect((await problem(new LedgerService(fresh.storage, key, { headsFile: file }).head())).code).toBe(
      'ledger_rewritten',
    )
  })

  it('checks against the larger of the last stored head and the heads file', async () => {
    const file = join(tmp(), 'heads.jsonl')
    const a = await withRecords(2, 'a')
    await new LedgerService(a.storage, key, { headsFile: file }).head()
    const b = await withRecords(4, 'b')
    await new LedgerService(b.storage, key).head()
    await b.add(1)
    expect((await new LedgerService(b.storage, key, { headsFile: file }).head()).size).toBe(5)
  })

  it('extends a signed empty tree', async () => {
    const { storage, add } = await withRecords(0)
    const ledger = new LedgerService(storage, key)
    await ledger.head()
    await add(2)
    expect((await ledger.head()).size).toBe(2)
  })

  it('posts each head to the witness, and logs a witness that cannot be reached', async () => {
    const got: { type?: string; body: string }[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => {
        body += c
      })
      req.on('end', () => {
        got.push({ type: req.headers['content-type'], body })
        res.end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    const { storage, add } = await withRecords(1)
    const head = await new LedgerService(storage, key, {
      witnessUrl: `http://127.0.0.1:${port}/heads`,
    }).head()
    for (let i = 0; i < 100 && !got.length; i++) await sleep(10)
    expect(got).toEqual([{ type: 'application/json', body: canonicalJson(headJson(head)) }])
    await new Promise((r) => server.close(r))
    const log: string[] = []
    await add(1)
    await new LedgerService(storage, key, {
      witnessUrl: `http://127.0.0.1:${port}/heads`,
      log: (l) => log.push(l),
    }).head()
    for (let i = 0; i < 100 && !log.length; i++) await sleep(10)
    expect(log[0]).toMatch(/^ledger: the witness did not take head 2: \S/)
  })
})

describe('signing on a timer', () => {
  it('signs heads as records are added while started, and no more once stopped, which signs a last one', async () => {
    const { storage, add } = await withRecords(1)
    const ledger = new LedgerService(storage, key, { intervalMs: 20 })
    ledger.start()
    ledger.start()
    await add(1)
    for (let i = 0; i < 100 && (await storage.treeHead())?.size !== 2; i++) await sleep(10)
    expect((await storage.treeHead())?.size).toBe(2)
    await add(1)
    expect((await ledger.stop()).size).toBe(3)
    await add(1)
    await sleep(80)
    expect((await storage.treeHead())?.size).toBe(3)
  })

  it('waits a second between heads unless told otherwise', async () => {
    const { storage, add } = await withRecords(1)
    const ledger = new LedgerService(storage, key)
    ledger.start()
    await add(1)
    await sleep(150)
    expect(await storage.treeHead()).toBeNull()
    await ledger.stop()
  })

  it('logs a head it cannot sign', async () => {
    const file = join(tmp(), 'heads.jsonl')
    await new LedgerService((await withRecords(2, 'a')).storage, key, { headsFile: file }).head()
    const log: string[] = []
    const { storage } = await withRecords(2, 'b')
    const ledger = new LedgerService(storage, key, {
      headsFile: file,
      intervalMs: 10,
      log: (l) => log.push(l),
    })
    ledger.start()
    for (let i = 0; i < 100 && !log.length; i++) await sleep(10)
    await ledger.stop().catch(() => null)
    expect(log[0]).toMatch(/^ledger: no tree head: The ledger \(2 records\) does not extend/)
  })
})
