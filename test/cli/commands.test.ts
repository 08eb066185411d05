import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunningServer, startServer } from '../../server/start.ts'

const root = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)
/** `sopflow …` as its own process: exit code, standard output and standard error. */
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e) => ({ code: e.code as number, out: e.stdout as string, err: e.stderr as string }),
  )
const fresh = () => join(mkdtempSync(join(tmpdir(), 'sopflow-cli-')), 'sopflow.db')
const rows = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true })
  try {
    return d.prepare(sql).all() as Record<string, unknown>[]
  } finally {
    d.close()
  }
}

let server: RunningServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})
const get = (path: string, token: string) =>
  fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${token}` } })

describe('sopflow user add', () => {
  it('creates a user whose printed API token (with --token) signs in with that name, role and team', async () => {
    const db = fresh()
    const r = await cli(
      'user',
      'add',
      '--name',
      ' Lan ',
      '--role',
      'agent',
      '--team',
      'hanoi',
      '--token',
      '--db',
      db,
    )
    expect(r.code).toBe(0)
    const id = /Created agent Lan \((u_\w+)\)\./.exec(r.out)?.[1]
    const token = /API token \(shown once\):\n\n {2}(sf_\S+)\n/.exec(r.out)?.[1]
    expect([id, token], r.out).toEqual([expect.stringMatching(/^u_/), expect.stringMatching(/^sf_/)])
    // The token itself is not kept: only its hash.
    expect(readFileSync(db).includes(Buffer.from(token!))).toBe(false)
    server = await startServer({ dbPath: db, port: 0, seedExamples: false })
    const me = await get('/api/me', token!)
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id, name: 'Lan', role: 'agent', team: 'hanoi' })
    expect((await get('/api/me', `${token}x`)).status).toBe(401)
  }, 60_000)

  it('refuses a missing name or an unknown role, naming it, and creates nobody', async () => {
    const db = fresh()
    expect((await cli('user', 'add', '--name', 'First', '--role', 'admin', '--db', db)).code).toBe(0)
    let r = await cli('user', 'add', '--name', 'Lan', '--role', 'boss', '--db', db)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^sopflow: --role must be one of admin, .*agent/)
    r = await cli('user', 'add', '--name', '  ', '--role', 'agent', '--db', db)
    expect(r.code).toBe(1)
    expect(r.err).toBe('sopflow: --name is required\n')
    r = await cli('user', 'remove', '--name', 'Lan', '--db', db)
    expect(r.code).toBe(1)
    expect(r.err).toContain('usage: sopflow user add')
    expect(rows(db, 'SELECT name, role FROM users')).toEqual([{ name: 'First', role: 'admin' }])
  }, 60_000)
})

describe('sopflow import', () => {
  it('publishes each good document as its next version, names each bad one, and exits 1 if any failed', async () => {
    const db = fresh()
    const dir = join(db, '..')
    const example = join(root, 'examples', 'satisfaction-followup.json')
    let r = await cli('import', example, '--db', db)
    expect(r.out).toBe(`✓ ${example}: satisfaction-followup version 1\n`)
    expect(r.code).toBe(0)
    // A changed document becomes version 2; a broken one and a missing file are refused.
    const doc = JSON.parse(readFileSync(example, 'utf8'))
    const changed = join(dir, 'changed.json')
    writeFileSync(changed, JSON.stringify({ ...doc, purpose: `${doc.purpose} (revised)` }))
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify({ ...doc, id: 'broken-one', initial: 'nowhere' }))
    const notJson = join(dir, 'not.json')
    writeFileSync(notJson, '{"schema": ')
    r = await cli('import', changed, broken, notJson, join(dir, 'missing.json'), '--db', db)
    expect(r.code).toBe(1)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toBe(`✓ ${changed}: satisfaction-followup version 2`)
    expect(lines[1]).toMatch(new RegExp(`^✗ ${broken}: .*nowhere`))
    expect(lines[2]).toMatch(new RegExp(`^✗ ${notJson}: .*JSON`))
    expect(lines[3]).toMatch(new RegExp(`^✗ ${join(dir, 'missing.json')}: .*no such file`))
    expect(lines).toHaveLength(4)
    expect(rows(db, 'SELECT sop_id, version FROM sop_versions ORDER BY version')).toEqual([
      { sop_id: 'satisfaction-followup', version: 1 },
      { sop_id: 'satisfaction-followup', version: 2 },
    ])
    // The server runs tickets on the imported version.
    server = await startServer({ dbPath: db, port: 0, seedExamples: false })
    const created = await fetch(`${server.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sopId: 'satisfaction-followup', channel: 'email', subject: 'After the visit' }),
    })
    expect(created.status).toBe(201)
    expect((await created.json()).ticket).toMatchObject({ sopVersion: 2 })
  }, 60_000)
})

describe('sopflow verify <ticket-id>', () => {
  it('passes a ticket as written and names a changed record, a removed record and an unknown ticket', async () => {
    const db = fresh()
    server = await startServer({ dbPath: db, port: 0 })
    const headers = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }
    const post = (path: string, body: unknown) =>
      fetch(`${server!.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((x) =>
        x.json(),
      )
    const id = (
      await post('/api/tickets', { sopId: 'support-ticket', channel: 'phone', subject: 'Lost card' })
    ).ticket.id as string
    await post(`/api/tickets/${id}/notes`, { text: 'Called back' })
    await post(`/api/tickets/${id}/notes`, { text: 'Sent the form' })
    await server.close()
    server = null

    let r = await cli('verify', id, '--db', db)
    expect(r.out).toContain(`✓ ticket ${id}: hash chain intact (3 records)`)
    expect(r.code).toBe(0)

    // Someone with write access to the database file, past its append-only triggers.
    const d = new Database(db)
    d.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete')
    const note = d.prepare('SELECT payload FROM audit WHERE ticket_id = ? AND seq = 1').get(id) as {
      payload: string
    }
    d.prepare('UPDATE audit SET payload = ? WHERE ticket_id = ? AND seq = 1').run(
      note.payload.replace('Called back', 'Never called'),
      id,
    )
    d.close()
    r = await cli('verify', id, '--db', db)
    expect(r.code).toBe(1)
    expect(r.out).toContain(
      `✗ ticket ${id}: hash chain broken at record 1: record 1 was changed after it was written`,
    )

    const e = new Database(db)
    e.prepare('UPDATE audit SET payload = ? WHERE ticket_id = ? AND seq = 1').run(note.payload, id)
    e.prepare('DELETE FROM audit WHERE ticket_id = ? AND seq = 2').run(id)
    e.close()
    r = await cli('verify', id, '--db', db)
    expect(r.code).toBe(1)
    expect(r.out).toContain("the log's last hash does not match the ticket's head")

    r = await cli('verify', 't_nothing', '--db', db)
    expect(r.code).toBe(1)
    expect(r.out).toBe(`✗ no ticket "t_nothing" in ${db}\n`)
  }, 60_000)
})
