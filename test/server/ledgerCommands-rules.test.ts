import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  printResult,
  runLedgerWatch,
  runVerifyBundle,
  runVerifyTicket,
} from '../../server/cli/ledgerCommands.ts'
import type { VerifyResult } from '../../server/services/verification.ts'
import { type RunningServer, startServer } from '../../server/start.ts'

// `sopflow verify` (a ticket in the database, an evidence bundle offline) and `sopflow ledger
// watch`, run in this process against a real server on a free port: each line they print and
// their exit codes.

let dir: string
let dbPath: string
let server: RunningServer
let token: string
let id: string
let bundleFile: string
let bundleRecords: number
let bundleHead: { size: number; root: string; keyId: string; timestamp: string }
let keys: { keyId: string; publicKey: string; pem: string }[]

async function call(method: string, path: string, body?: unknown, auth = token) {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return res
}
const json = async (method: string, path: string, body?: unknown) =>
  (await call(method, path, body)).json() as Promise<any>

/** The lines a command prints, and its exit code. */
async function lines(run: (print: (line: string) => void) => number | Promise<number>) {
  const out: string[] = []
  const code = await run((l) => out.push(l))
  return { code, out }
}
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sopflow-ledger-cli-'))
  dbPath = join(dir, 'sopflow.db')
  server = await startServer({ dbPath, port: 0 })
  token = server.adminToken
  const created = await json('POST', '/api/tickets', {
    sopId: 'support-ticket',
    channel: 'phone',
    subject: 'Charged twice',
  })
  id = created.ticket.id
  const agent = await json('POST', '/api/users', { name: 'Agent', role: 'agent', team: 'hanoi' })
  const claimed = await call('POST', `/api/tickets/${id}/claim`, { version: 1 }, agent.token)
  expect(claimed.status).toBe(200)
  bundleHead = await json('GET', '/api/ledger/head')
  keys = await json('GET', '/api/keys')
  const bytes = Buffer.from(
    await (await call('GET', `/api/tickets/${id}/evidence?size=${bundleHead.size}`)).arrayBuffer(),
  )
  bundleRecords = JSON.parse(bytes.toString('utf8')).records.length
  bundleFile = file('bundle.json', bytes)
}, 60_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('sopflow verify --bundle', () => {
  it('passes a bundle, naming the key that signed its head, and "the key you trust" when one is given as a file or as text', async () => {
    const expected = `✓ ticket ${id}: hash chain intact (${bundleRecords} records), replay matches (${bundleRecords - 1} transitions), ticket matches its history, every record proved in the tree head of ${bundleHead.size} records signed by key ${keys[0].keyId}`
    expect(bundleRecords).toBe(2)
    expect(await lines((p) => runVerifyBundle(bundleFile, undefined, undefined, p))).toEqual({
      code: 0,
      out: [expected],
    })
    const keyFile = file('key.pem', keys[0].pem)
    for (const key of [keyFile, keys[0].pem])
      expect(await lines((p) => runVerifyBundle(bundleFile, key, undefined, p))).toEqual({
        code: 0,
        out: [`${expected} (the key you trust)`],
      })
  })

  it('takes the head held as a JSON file or as the last line of a heads file, and refuses a heads file with none', async () => {
    const headJson = file('head.json', JSON.stringify(bundleHead))
    const headsFile = file(
      'heads.jsonl',
      `${JSON.stringify({ ...bundleHead, size: 1, root: 'ab' })}\n${JSON.stringify(bundleHead)}\n`,
    )
    for (const head of [headJson, headsFile]) {
      const r = await lines((p) => runVerifyBundle(bundleFile, undefined, head, p))
      expect(r.code).toBe(0)
      expect(r.out[0]).toMatch(/^✓ ticket /)
    }
    // The first head of the heads file alone is not the bundle's: the last one counts.
    const older = file(
      'older.jsonl',
      `${JSON.stringify(bundleHead)}\n${JSON.stringify({ ...bundleHead, size: 1 })}\n`,
    )
    expect((await lines((p) => runVerifyBundle(bundleFile, undefined, older, p))).code).toBe(1)
    const empty = file('empty.jsonl', '\n')
    expect(() => runVerifyBundle(bundleFile, undefined, empty, () => {})).toThrow(
      `${empty} holds no tree head`,
    )
  })

  it('names a file it cannot read, a changed bundle by its ticket, a file that is no bundle by its name, and another key', async () => {
    const missing = join(dir, 'nope.json')
    const r = await lines((p) => runVerifyBundle(missing, undefined, undefined, p))
    expect(r.code).toBe(1)
    expect(r.out).toHaveLength(1)
    expect(r.out[0]).toMatch(new RegExp(`^✗ cannot read ${missing}: ENOENT`))

    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'))
    bundle.records[1].at = '2020-01-01T00:00:00.000Z'
    const changed = await lines((p) =>
      runVerifyBundle(file('changed.json', JSON.stringify(bundle)), undefined, undefined, p),
    )
    expect(changed.code).toBe(1)
    expect(changed.out.length).toBeGreaterThan(0)
    for (const l of changed.out) expect(l.startsWith(`✗ ${id}: `)).toBe(true)

    const text = file('text.json', 'not a bundle')
    const notBundle = await lines((p) => runVerifyBundle(text, undefined, undefined, p))
    expect(notBundle.code).toBe(1)
    for (const l of notBundle.out) expect(l.startsWith(`✗ ${text}: `)).toBe(true)

    const other = await lines((p) =>
      runVerifyBundle(bundleFile, Buffer.alloc(32, 7).toString('base64'), undefined, p),
    )
    expect(other.code).toBe(1)
    expect(other.out.join('\n')).toContain('not with the trusted key')
  })
})

describe('sopflow verify <ticket>', () => {
  it('passes a stored ticket, in the signed ledger when the key is beside the database, and says where a ticket is missing', async () => {
    const r = await lines((p) => runVerifyTicket(dbPath, id, p))
    expect(r.code).toBe(0)
    const size = (await json('GET', '/api/ledger/head')).size
    expect(r.out).toEqual([
      `✓ ticket ${id}: hash chain intact (2 records), replay matches (1 transitions), ticket matches its history, in the signed ledger (tree of ${size} records)`,
    ])
    expect(await lines((p) => runVerifyTicket(dbPath, 'T-NOPE', p))).toEqual({
      code: 1,
      out: [`✗ no ticket "T-NOPE" in ${dbPath}`],
    })
    // A copy of the database in a folder without the key: the ledger is not checked.
    const elsewhere = mkdtempSync(join(tmpdir(), 'sopflow-ledger-cli-copy-'))
    try {
      const copy = join(elsewhere, 'copy.db')
      const db = new Database(dbPath)
      await db.backup(copy)
      db.close()
      expect(await lines((p) => runVerifyTicket(copy, id, p))).toEqual({
        code: 0,
        out: [
          `✓ ticket ${id}: hash chain intact (2 records), replay matches (1 transitions), ticket matches its history`,
        ],
      })
      // A changed row and a changed SOP document: each problem on a line of its own.
      const changed = new Database(copy)
      changed.prepare("UPDATE tickets SET subject = 'Not charged' WHERE id = ?").run(id)
      changed.exec('DROP TRIGGER sop_versions_immutable_update')
      changed.prepare("UPDATE sop_versions SET document = replace(document, 'Support', 'Supprt')").run()
      changed.close()
      const bad = await lines((p) => runVerifyTicket(copy, id, p))
      expect(bad.code).toBe(1)
      expect(bad.out).toContain(
        `✗ ticket ${id}: ticket subject is Not charged, but the history gives Charged twice`,
      )
      expect(
        bad.out.some((l) => /^✗ ticket .*: the stored SOP document does not match its hash /.test(l)),
      ).toBe(true)
      // With the key beside it, the ledger's problems are prefixed and fail the ticket too.
      copyFileSync(join(dir, 'ledger-key.pem'), join(elsewhere, 'ledger-key.pem'))
      const ledgerDb = new Database(copy)
      ledgerDb.exec(
        'DROP TRIGGER ledger_nodes_append_only_update; UPDATE ledger_nodes SET hash = zeroblob(32);',
      )
      ledgerDb.close()
      const unledgered = await lines((p) => runVerifyTicket(copy, id, p))
      expect(unledgered.code).toBe(1)
      expect(unledgered.out.some((l) => l.startsWith(`✗ ticket ${id}: ledger: `))).toBe(true)
      // Nodes deleted outright: the ledger cannot be read, which fails the ticket.
      // (on a fresh copy of the unchanged database, so that this is its only problem)
      const fresh = join(elsewhere, 'fresh.db')
      const source = new Database(dbPath)
      await source.backup(fresh)
      source.close()
      const gone = new Database(fresh)
      gone.exec('DROP TRIGGER ledger_nodes_append_only_delete; DELETE FROM ledger_nodes;')
      gone.close()
      const unread = await lines((p) => runVerifyTicket(fresh, id, p))
      expect(unread.code).toBe(1)
      expect(unread.out).toContain(`✗ ticket ${id}: ledger: The ledger has no node 0/1`)
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('prints a failed replay with what was expected and what was recorded under its problems', () => {
    const result: VerifyResult = {
      ok: false,
      chain: { ok: true, length: 2 },
      replay: { ok: false, records: 1, expected: { step: 'intake' }, recorded: { step: 'resolve' } },
      ticket: { ok: true, checked: true, problems: [] },
      problems: ['replay differs at record 2'],
    }
    const out: string[] = []
    expect(printResult('T-9', result, (l) => out.push(l))).toBe(1)
    expect(out).toEqual([
      '✗ ticket T-9: replay differs at record 2',
      '✗ ticket T-9:   expected {"step":"intake"}\n  recorded {"step":"resolve"}',
    ])
    // A failed replay without an expected state adds nothing.
    const plain: string[] = []
    printResult('T-9', { ...result, problems: ['x'], replay: { ok: false, records: 1 } }, (l) =>
      plain.push(l),
    )
    expect(plain).toEqual(['✗ ticket T-9: x'])
  })
})

describe('sopflow ledger watch', () => {
  const watch = (state: string, extra: Partial<Parameters<typeof runLedgerWatch>[0]> = {}) =>
    lines((print) => runLedgerWatch({ url: server.url, state, token, print, ...extra }))
  const seen = (state: string) => JSON.parse(readFileSync(state, 'utf8'))

  it('pins the first key and keeps each new head, once, checking that each extends the last', async () => {
    const state = join(dir, 'seen.json')
    const head = await json('GET', '/api/ledger/head')
    expect(await watch(state)).toEqual({
      code: 0,
      out: [
        `✓ tree head of ${head.size} records (root ${head.root}) is consistent with the 0 heads seen before`,
      ],
    })
    expect(seen(state)).toEqual({ keyId: keys[0].keyId, publicKey: keys[0].publicKey, heads: [head] })
    // The same head again is not kept twice.
    expect((await watch(state)).out).toEqual([
      `✓ tree head of ${head.size} records (root ${head.root}) is consistent with the 1 heads seen before`,
    ])
    expect(seen(state).heads).toHaveLength(1)
    await json('POST', `/api/tickets/${id}/notes`, { text: 'Called the bank' })
    const later = await json('GET', '/api/ledger/head')
    expect(later.size).toBe(head.size + 1)
    expect(await watch(state)).toEqual({
      code: 0,
      out: [
        `✓ tree head of ${later.size} records (root ${later.root}) is consistent with the 1 heads seen before`,
      ],
    })
    expect(seen(state).heads).toEqual([head, later])
  })

  it('reports a head of the same size with another root, a smaller head, one not consistent with the last seen, and another key; keeping the state as it was', async () => {
    const head = await json('GET', '/api/ledger/head')
    const base = { keyId: keys[0].keyId, publicKey: keys[0].publicKey }
    const check = async (last: Record<string, unknown>, message: string) => {
      const state = file(
        `state-${Math.random()}.json`,
        JSON.stringify({ ...base, heads: [{ ...head, ...last }] }),
      )
      const before = readFileSync(state, 'utf8')
      expect(await watch(state)).toEqual({ code: 1, out: [`✗ ${message}`] })
      expect(readFileSync(state, 'utf8')).toBe(before)
    }
    const other = 'ab'.repeat(32)
    await check(
      { root: other },
      `the ledger was rewritten: tree head of ${head.size} records has root ${head.root}, not ${other} as seen`,
    )
    await check(
      { size: head.size + 1 },
      `the ledger was truncated: tree head of ${head.size} records after one of ${head.size + 1} was seen`,
    )
    await check(
      { size: head.size - 1, root: other, timestamp: '2026-01-01T00:00:00.000Z' },
      `the ledger was rewritten: tree head of ${head.size} records is not consistent with the one of ${head.size - 1} records seen at 2026-01-01T00:00:00.000Z`,
    )
    // A key given on the command line is pinned on the first run instead of the server's.
    const stranger = (await import('node:crypto')).generateKeyPairSync('ed25519')
    const pem = stranger.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const state = join(dir, 'pinned.json')
    const r = await watch(state, { key: pem })
    expect(r.code).toBe(1)
    expect(r.out).toHaveLength(1)
    expect(r.out[0]).toMatch(
      new RegExp(`^✗ tree head ${head.size} is not signed by the key \\S+ first seen$`),
    )
    expect(r.out[0]).not.toContain(keys[0].keyId)
    // The server's own key, given so, passes.
    expect((await watch(join(dir, 'pinned-own.json'), { key: keys[0].pem })).code).toBe(0)
  })

  it('fails with the refused call and its status without a token', async () => {
    const err = await watch(join(dir, 'anon.json'), { token: undefined }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/^\/api\/keys: 401 Sign in/)
  })

  it('with an interval, prints an error and tries again, and stops at the first problem', async () => {
    const head = await json('GET', '/api/ledger/head')
    const state = file('loop.json', '{ not json')
    const out: string[] = []
    const code = await runLedgerWatch({
      url: server.url,
      state,
      token,
      intervalSeconds: 0.01,
      print: (l) => {
        out.push(l)
        // After the first error, a state whose last head was rewritten.
        if (out.length === 1)
          writeFileSync(
            state,
            JSON.stringify({
              keyId: keys[0].keyId,
              publicKey: keys[0].publicKey,
              heads: [{ ...head, root: 'cd'.repeat(32) }],
            }),
          )
      },
    })
    expect(code).toBe(1)
    expect(out).toHaveLength(2)
    expect(out[0]).toMatch(/^✗ .*JSON/)
    expect(out[1]).toMatch(/^✗ the ledger was rewritten: /)
  })
})
