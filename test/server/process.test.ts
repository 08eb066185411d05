import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../../server/start.ts'
import { example, root } from './helpers.ts'

const FAST_SOP = {
  schema: 'sopflow/v1',
  id: 'fast-sla',
  title: 'Fast SLA',
  department: 'Support',
  purpose: 'A step whose SLA falls due within a second, escalating to a review.',
  fields: [{ name: 'note', label: 'Note', type: 'text' }],
  initial: 'work',
  steps: [
    {
      id: 'work',
      kind: 'task',
      title: 'Work',
      roles: ['agent'],
      sla: { due: 'PT1S', escalateTo: 'review', notify: 'supervisor' },
    },
    { id: 'review', kind: 'task', title: 'Review', roles: ['supervisor'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'finish', from: 'work', to: 'done', action: 'finish', label: 'Finish' },
    { id: 'reviewed', from: 'review', to: 'done', action: 'reviewed', label: 'Reviewed' },
  ],
}

async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('over a real socket', () => {
  it('serves the API and the web app; of many clients acting at one version exactly one wins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-http-'))
    const server = await startServer({ dbPath: join(dir, 'db.sqlite'), port: 0 })
    try {
      const me = await api(server.url, server.adminToken, 'GET', '/api/me')
      expect(me.body.role).toBe('admin')
      const sops = await api(server.url, server.adminToken, 'GET', '/api/sops')
      expect(sops.body.map((s: { id: string }) => s.id)).toContain('support-ticket')
      // The built web app (the suite builds it first): its page for any route, and its script.
      const page = await fetch(`${server.url}/inbox`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toContain('text/html')
      const html = await page.text()
      expect(html).toContain('<div id="root"></div>')
      const script = /<script type="module"[^>]* src="([^"]+)"/.exec(html)?.[1]
      expect(script).toMatch(/^\/assets\/.+\.js$/)
      const js = await fetch(`${server.url}${script}`)
      expect(js.status).toBe(200)
      expect(js.headers.get('content-type')).toContain('javascript')
      expect((await js.text()).length).toBeGreaterThan(10_000)
      await api(server.url, server.adminToken, 'POST', '/api/sops', {
        document: { ...example('support-ticket'), id: 'support-fixture' },
      })
      await api(server.url, server.adminToken, 'POST', '/api/sops/support-fixture/publish')
      const agent = await api(server.url, server.adminToken, 'POST', '/api/users', {
        name: 'Agent',
        role: 'agent',
      })
      const t = await api(server.url, agent.body.token, 'POST', '/api/tickets', {
        sopId: 'support-fixture',
        channel: 'chat',
        subject: 'Race',
      })
      const body = { action: 'cancel', version: 1 }
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          api(server.url, agent.body.token, 'POST', `/api/tickets/${t.body.ticket.id}/actions`, body),
        ),
      )
      const statuses = results.map((r) => r.status).sort()
      expect(statuses.filter((s) => s === 200)).toHaveLength(1)
      expect(statuses.filter((s) => s !== 200).every((s) => s === 409 || s === 422)).toBe(true)
      const history = await api(
        server.url,
        agent.body.token,
        'GET',
        `/api/tickets/${t.body.ticket.id}/history`,
      )
      expect(history.body).toHaveLength(2)
    } finally {
      await server.close()
    }
  })
})

describe('crash safety', () => {
  const children: ChildProcess[] = []
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL')
  })

  function boot(dbPath: string): Promise<{ child: ChildProcess; url: string; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'server/cli.ts', 'serve', '--port', '0', '--db', dbPath],
        {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      children.push(child)
      let out = ''
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000)
      child.stdout!.on('data', (d) => {
        out += d
        const m = /running at (http:\/\/\S+)/.exec(out)
        if (m && (/Sign in at/.test(out) || /setup link[^\n]*\n\n\s+\S+\n/.test(out))) {
          clearTimeout(timer)
          resolve({ child, url: m[1], out })
        }
      })
      child.stderr!.on('data', (d) => {
        out += d
      })
      child.on('exit', (code) => {
        clearTimeout(timer)
        if (!/running at/.test(out)) reject(new Error(`server exited with ${code}: ${out}`))
      })
    })
  }

  /** An administrator's API token, made with the CLI beside the running server, as scripts do. */
  async function adminToken(db: string): Promise<string> {
    const added = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli.ts',
        'user',
        'add',
        '--name',
        'Restart admin',
        '--role',
        'admin',
        '--token',
        '--db',
        db,
      ],
      { cwd: root },
    )
    const token = /API token[^\n]*\n\n\s+(sf_\S+)\n/.exec(added.stdout)?.[1]
    if (!token) throw new Error(`no token: ${added.stdout}`)
    return token
  }

  it('fires an SLA timer that fell due while the server was stopped once, after a real restart, and never again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-restart-'))
    const db = join(dir, 'restart.sqlite')
    let server = await boot(db)
    const admin = await adminToken(db)
    const slow = {
      ...FAST_SOP,
      id: 'restart-sla',
      steps: FAST_SOP.steps.map((s) => (s.sla ? { ...s, sla: { ...s.sla, due: 'PT3S' } } : s)),
    }
    expect((await api(server.url, admin, 'POST', '/api/sops', { document: slow })).status).toBe(201)
    expect((await api(server.url, admin, 'POST', '/api/sops/restart-sla/publish')).status).toBe(201)
    const created = await api(server.url, admin, 'POST', '/api/tickets', {
      sopId: 'restart-sla',
      channel: 'phone',
      subject: 'Due while stopped',
    })
    expect(created.status).toBe(201)
    const id = created.body.ticket.id as string
    const dueAt = Date.parse(created.body.ticket.dueAt)
    // A clean stop before the deadline: the process is gone, and the deadline passes.
    server.child.kill('SIGTERM')
    await new Promise((r) => server.child.once('exit', r))
    expect(Date.now()).toBeLessThan(dueAt)
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 500))
    const timers = async () =>
      (await api(server.url, admin, 'GET', `/api/tickets/${id}/history`)).body.filter(
        (a: { type: string }) => a.type === 'timer',
      )
    server = await boot(db)
    const startedAt = Date.now()
    while ((await timers()).length === 0 && Date.now() - startedAt < 10_000)
      await new Promise((r) => setTimeout(r, 200))
    let fired = await timers()
    expect(fired).toHaveLength(1)
    expect(fired[0]).toMatchObject({ actorId: 'system' })
    expect(fired[0].payload.record.to).toEqual(['review'])
    // Another restart and a few more ticks later, it has not fired again.
    server.child.kill('SIGTERM')
    await new Promise((r) => server.child.once('exit', r))
    server = await boot(db)
    await new Promise((r) => setTimeout(r, 2500))
    fired = await timers()
    expect(fired).toHaveLength(1)
    const t = await api(server.url, admin, 'GET', `/api/tickets/${id}`)
    expect(t.body.ticket.steps).toEqual(['review'])
    expect((await api(server.url, admin, 'GET', `/api/tickets/${id}/verify`)).body.ok).toBe(true)
    server.child.kill('SIGKILL')
  }, 90_000)

  it('keeps every acknowledged action through SIGKILLs; chains verify; due timers fire once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-crash-'))
    const db = join(dir, 'crash.sqlite')
    let server = await boot(db)
    // The first start prints a one-time setup link for the first administrator, not a token.
    expect(server.out).toMatch(new RegExp(`setup link[^\\n]*\\n\\n\\s+${server.url}/#/setup/[\\w-]{43}\\n`))
    expect(server.out).not.toMatch(/sf_/)
    // Scripts get an API token from the CLI, beside the running server.
    const added = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli.ts',
        'user',
        'add',
        '--name',
        'Script',
        '--role',
        'admin',
        '--token',
        '--db',
        db,
      ],
      { cwd: root },
    )
    expect(added.stdout).toMatch(
      /Invitation link[^\n]*\n\n\s+http:\/\/127\.0\.0\.1:8787\/#\/invite\/[\w-]{43}\n/,
    )
    const admin = /API token[^\n]*\n\n\s+(sf_\S+)\n/.exec(added.stdout)?.[1] ?? ''
    expect(admin).toMatch(/^sf_/)
    expect((await api(server.url, admin, 'POST', '/api/sops', { document: FAST_SOP })).status).toBe(201)
    expect((await api(server.url, admin, 'POST', '/api/sops/fast-sla/publish')).status).toBe(201)
    const fixture = { ...example('support-ticket'), id: 'support-fixture' }
    expect((await api(server.url, admin, 'POST', '/api/sops', { document: fixture })).status).toBe(201)
    expect((await api(server.url, admin, 'POST', '/api/sops/support-fixture/publish')).status).toBe(201)
    const agent = (await api(server.url, admin, 'POST', '/api/users', { name: 'Agent', role: 'agent' })).body
      .token
    const acknowledged = new Map<string, number>() // ticket id -> version acknowledged
    const fastTickets = new Set<string>()

    for (let round = 0; round < 3; round++) {
      let stop = false
      const client = async (n: number) => {
        let i = 0
        while (!stop) {
          i++
          try {
            const sopId = (n + i) % 3 === 0 ? 'fast-sla' : 'support-fixture'
            const created = await api(server.url, agent, 'POST', '/api/tickets', {
              sopId,
              channel: 'phone',
              subject: `r${round} c${n} #${i}`,
            })
            if (created.status !== 201) continue
            const id = created.body.ticket.id as string
            acknowledged.set(id, 1)
            if (sopId === 'fast-sla') {
              fastTickets.add(id)
              continue
            }
            const r = await api(server.url, agent, 'POST', `/api/tickets/${id}/actions`, {
              action: 'start',
              version: 1,
              fields: { customer_name: 'Crash Test', problem_summary: 'Power loss' },
              ticks: { intake: ['greet', 'listen'] },
            })
            if (r.status === 200) acknowledged.set(id, r.body.ticket.version)
          } catch {
            // The server died under this request: it was not acknowledged.
          }
        }
      }
      const clients = Array.from({ length: 6 }, (_, n) => client(n))
      await new Promise((r) => setTimeout(r, 700 + round * 300))
      server.child.kill('SIGKILL')
      await new Promise((r) => server.child.once('exit', r))
      stop = true
      await Promise.all(clients)
      server = await boot(db)
      // Every acknowledged action is there, and every ticket verifies.
      for (const [id, version] of acknowledged) {
        const t = await api(server.url, admin, 'GET', `/api/tickets/${id}`)
        expect(t.status).toBe(200)
        expect(t.body.ticket.version).toBeGreaterThanOrEqual(version)
      }
    }
    expect(acknowledged.size).toBeGreaterThan(10)
    await new Promise((r) => setTimeout(r, 2500))
    const all = await api(server.url, admin, 'GET', '/api/tickets?limit=500')
    for (const t of all.body as { id: string; sopId: string }[]) {
      const v = await api(server.url, admin, 'GET', `/api/tickets/${t.id}/verify`)
      expect(v.body.ok).toBe(true)
      if (t.sopId === 'fast-sla') {
        const h = await api(server.url, admin, 'GET', `/api/tickets/${t.id}/history`)
        const fired = h.body.filter((a: { type: string }) => a.type === 'timer')
        expect(fired).toHaveLength(1)
        expect(fired[0].payload.record.to).toEqual(['review'])
      }
    }
    expect(fastTickets.size).toBeGreaterThan(0)
    server.child.kill('SIGKILL')
  }, 120_000)
})
