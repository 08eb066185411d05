import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fromHex, verifyConsistency } from '../../engine/index.ts'
import { compilePinned } from '../calendars/store.ts'
import { loadOrCreateKey, publicKeyFrom } from '../ledger/keys.ts'
import { LedgerService, lastHead } from '../ledger/ledger.ts'
import { headSignatureValid } from '../ledger/treeHead.ts'
import { checkBundle } from '../services/bundleCheck.ts'
import { sha256 } from '../services/crypto.ts'
import type { VerifyResult } from '../services/verification.ts'
import { verifyAudit } from '../services/verification.ts'
import { databaseTarget } from '../storage/databaseUrl.ts'
import { openStorage } from '../storage/open.ts'
import type { Storage, TreeHeadRow } from '../storage/types.ts'

/** Where a command's lines go: standard output, unless the caller collects them. */
export type Print = (line: string) => void
const stdout: Print = (line) => process.stdout.write(`${line}\n`)

/** A key given on the command line: a file (PEM or base64), or the base64 itself. */
function keyText(arg: string): string {
  return existsSync(arg) ? readFileSync(arg, 'utf8') : arg
}

/** A tree head given on the command line: a JSON file, or a heads file (its last head). */
function headFrom(arg: string): TreeHeadRow {
  const text = readFileSync(arg, 'utf8').trim()
  try {
    return JSON.parse(text) as TreeHeadRow
  } catch {
    const h = lastHead(arg)
    if (!h) throw new Error(`${arg} holds no tree head`)
    return h
  }
}

export function printResult(id: string, r: VerifyResult, out: Print = stdout): number {
  if (r.ok) {
    const ledger = r.ledger ? `, in the signed ledger (tree of ${r.ledger.size} records)` : ''
    out(
      `✓ ticket ${id}: hash chain intact (${r.chain.length} records), replay matches (${r.replay.records} transitions), ticket matches its history${ledger}`,
    )
    return 0
  }
  if (!r.replay.ok && r.replay.expected !== undefined)
    r.problems.push(
      `  expected ${JSON.stringify(r.replay.expected)}\n  recorded ${JSON.stringify(r.replay.recorded)}`,
    )
  for (const p of r.problems) out(`✗ ticket ${id}: ${p}`)
  return 1
}

/** `sopflow verify <ticket-id>`: the ticket in the database, its records, and their place in the ledger. */
export async function runVerifyTicket(db: string, id: string, out: Print = stdout): Promise<number> {
  const storage = await openStorage(db)
  try {
    const checked = await verifyStoredTicket(storage, id)
    if (typeof checked === 'string') {
      out(`✗ ${checked}${checked.startsWith('no ticket') ? ` in ${db}` : ''}`)
      return 1
    }
    const { result, audit } = checked
    const target = databaseTarget(db)
    const keyFile = target.kind === 'sqlite' ? join(dirname(resolve(target.path)), 'ledger-key.pem') : null
    if (keyFile && existsSync(keyFile)) {
      const ledger = new LedgerService(storage, loadOrCreateKey(keyFile), {
        headsFile: join(dirname(resolve(db)), 'ledger-heads.jsonl'),
      })
      try {
        result.ledger = await ledger.checkRecords(audit)
        for (const p of result.ledger.problems) result.problems.push(`ledger: ${p.message}`)
        result.ok &&= result.ledger.ok
      } catch (e) {
        // A ledger whose nodes are gone cannot be read, which is itself the finding.
        result.problems.push(`ledger: ${(e as Error).message}`)
        result.ok = false
      }
    }
    return printResult(id, result, out)
  } finally {
    await storage.close()
  }
}

/**
 * A stored ticket checked against its history: the hash chain, the replay of its records on the
 * SOP version it runs (with its pinned calendars), the row, and the stored SOP document's hash.
 * A string when there is nothing to check (no such ticket, or its SOP version is missing).
 */
export async function verifyStoredTicket(
  storage: Storage,
  id: string,
): Promise<string | { result: VerifyResult; audit: Awaited<ReturnType<Storage['getAudit']>> }> {
  const t = await storage.getTicket(id)
  if (!t) return `no ticket "${id}"`
  const version = await storage.getVersion(t.sopId, t.sopVersion)
  if (!version) return `ticket ${id}: its SOP version ${t.sopId}@${t.sopVersion} is missing`
  const audit = await storage.getAudit(id)
  const result = verifyAudit(await compilePinned(storage, version), t, audit)
  if (version.text !== undefined && sha256(version.text) !== version.hash) {
    result.ok = false
    result.problems.push(`the stored SOP document does not match its hash ${version.hash}`)
  }
  return { result, audit }
}

/** `sopflow verify --bundle FILE [--key KEY] [--head HEAD]`: an evidence bundle, offline. */
export function runVerifyBundle(file: string, key?: string, head?: string, out: Print = stdout): number {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (err) {
    out(`✗ cannot read ${file}: ${(err as Error).message}`)
    return 1
  }
  const check = checkBundle(bytes, {
    key: key === undefined ? undefined : keyText(key),
    head: head === undefined ? undefined : headFrom(head),
  })
  const id = check.ticketId ?? file
  if (check.ok) {
    const r = check.result!
    out(
      `✓ ticket ${id}: hash chain intact (${r.chain.length} records), replay matches (${r.replay.records} transitions), ticket matches its history, every record proved in the tree head of ${check.treeHead?.size} records signed by key ${check.keyId}${key ? ' (the key you trust)' : ''}`,
    )
    return 0
  }
  for (const p of check.problems) out(`✗ ${id}: ${p}`)
  return 1
}

interface WatchState {
  keyId: string
  publicKey: string
  heads: TreeHeadRow[]
}

/**
 * `sopflow ledger watch`: fetches the server's signed tree head and checks that it extends every
 * head seen before (a consistency proof from the latest one), so that a rewrite or a truncation
 * of the ledger after a head was seen is reported even by a server that signs it.
 */
export async function runLedgerWatch(options: {
  url: string
  state: string
  token?: string
  key?: string
  intervalSeconds?: number
  /** Where its lines go (standard output). */
  print?: Print
}): Promise<number> {
  const out = options.print ?? stdout
  const api = async (path: string) => {
    const res = await fetch(new URL(path, options.url), {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    })
    const body = (await res.json()) as Record<string, unknown>
    if (!res.ok) throw new Error(`${path}: ${res.status} ${String(body.detail ?? '')}`)
    return body
  }
  const once = async (): Promise<number> => {
    const state: WatchState | null = existsSync(options.state)
      ? (JSON.parse(readFileSync(options.state, 'utf8')) as WatchState)
      : null
    const keys = (await api('/api/keys')) as unknown as { keyId: string; publicKey: string }[]
    const pinned = state
      ? { keyId: state.keyId, publicKey: state.publicKey }
      : options.key
        ? { keyId: publicKeyFrom(keyText(options.key)).keyId, publicKey: keyText(options.key) }
        : keys[0]
    const { publicKey, keyId } = publicKeyFrom(pinned.publicKey)
    const head = (await api('/api/ledger/head')) as unknown as TreeHeadRow
    const problems: string[] = []
    if (head.keyId !== keyId || !headSignatureValid(head, publicKey))
      problems.push(`tree head ${head.size} is not signed by the key ${keyId} first seen`)
    const seen = state?.heads ?? []
    const last = seen[seen.length - 1]
    if (last && !problems.length) {
      if (head.size < last.size)
        problems.push(
          `the ledger was truncated: tree head of ${head.size} records after one of ${last.size} was seen`,
        )
      else if (head.size === last.size && head.root !== last.root)
        problems.push(
          `the ledger was rewritten: tree head of ${head.size} records has root ${head.root}, not ${last.root} as seen`,
        )
      else if (head.size > last.size && last.size > 0) {
        const c = (await api(`/api/ledger/proof/consistency?from=${last.size}&to=${head.size}`)) as {
          proof: string[]
        }
        const proof = c.proof.map((p) => fromHex(p) ?? new Uint8Array())
        const a = fromHex(last.root)
        const b = fromHex(head.root)
        if (!a || !b || !verifyConsistency(last.size, head.size, a, b, proof))
          problems.push(
            `the ledger was rewritten: tree head of ${head.size} records is not consistent with the one of ${last.size} records seen at ${last.timestamp}`,
          )
      }
    }
    if (problems.length) {
      for (const p of problems) out(`✗ ${p}`)
      return 1
    }
    const heads = last && last.size === head.size ? seen : [...seen, head]
    writeFileSync(
      options.state,
      `${JSON.stringify({ keyId, publicKey: pinned.publicKey, heads }, null, 2)}\n`,
    )
    out(
      `✓ tree head of ${head.size} records (root ${head.root}) is consistent with the ${seen.length} heads seen before`,
    )
    return 0
  }
  if (!options.intervalSeconds) return once()
  for (;;) {
    const code = await once().catch((e) => {
      out(`✗ ${(e as Error).message}`)
      return 2
    })
    if (code === 1) return 1
    await new Promise((r) => setTimeout(r, options.intervalSeconds! * 1000))
  }
}
