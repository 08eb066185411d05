import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { startServer } from '../../server/start.ts'

const root = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e) => ({ code: e.code as number, out: e.stdout as string }),
  )

describe('sopflow verify', () => {
  it('checks a bundle against a trusted key and a held head, and a ticket in the database row by row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-verify-'))
    const dbPath = join(dir, 'sopflow.db')
    const server = await startServer({ dbPath, port: 0 })
    const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }
    const created = await fetch(`${server.url}/api/tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ sopId: 'support-ticket', channel: 'phone', subject: 'Charged twice' }),
    }).then((r) => r.json())
    const id = created.ticket.id as string
    const head = await fetch(`${server.url}/api/ledger/head`, { headers }).then((r) => r.json())
    const keys = await fetch(`${server.url}/api/keys`, { headers }).then((r) => r.json())
    const res = await fetch(`${server.url}/api/tickets/${id}/evidence?size=${head.size}`, { headers })
    const bytes = Buffer.from(await res.arrayBuffer())
    await fetch(`${server.url}/api/tickets/${id}/notes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'Later' }),
    })
    await server.close()
    const bundle = join(dir, 'bundle.json')
    writeFileSync(bundle, bytes)
    const key = join(dir, 'key.pub')
    writeFileSync(key, keys[0].pem)
    const headFile = join(dir, 'head.json')
    writeFileSync(headFile, JSON.stringify(head))

    let r = await cli('verify', '--bundle', bundle, '--key', key, '--head', headFile)
    expect(r.out).toContain(`✓ ticket ${id}: hash chain intact (1 records)`)
    expect(r.out).toContain('(the key you trust)')
    expect(r.code).toBe(0)
    // The heads file kept beside the database is a head the auditor can hold, too: a later one.
    r = await cli('verify', '--bundle', bundle, '--head', join(dir, 'ledger-heads.jsonl'))
    expect(r.code).toBe(1)
    expect(r.out).toContain('not the head you hold')
    r = await cli('verify', '--bundle', bundle, '--key', Buffer.alloc(32, 7).toString('base64'))
    expect(r.code).toBe(1)
    expect(r.out).toContain('not with the trusted key')

    r = await cli('verify', id, '--db', dbPath)
    expect(r.out).toContain(`✓ ticket ${id}: hash chain intact (2 records)`)
    expect(r.out).toContain('in the signed ledger')
    const db = new Database(dbPath)
    db.prepare("UPDATE tickets SET subject = 'Not charged' WHERE id = ?").run(id)
    db.close()
    r = await cli('verify', id, '--db', dbPath)
    expect(r.code).toBe(1)
    expect(r.out).toContain(
      `✗ ticket ${id}: ticket subject is Not charged, but the history gives Charged twice`,
    )
    expect(
      readFileSync(join(dir, 'ledger-heads.jsonl'), 'utf8').trim().split('\n').length,
    ).toBeGreaterThanOrEqual(2)
  }, 60_000)
})
