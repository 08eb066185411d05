import { type Context, Hono } from 'hono'
import { canonicalJson } from '../../engine/index.ts'
import { type AppEnv, teamScope } from '../auth/roles.ts'
import { apiJson } from '../http/headers.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import { sha256 } from '../services/crypto.ts'
import { type Idempotency, requireNotClosed, type TicketService } from '../services/tickets.ts'
import type { Storage, TicketRow, User } from '../storage/types.ts'
import { templateRoutes } from '../templates/render.ts'
import { watcherRoutes } from '../watchers/watchers.ts'

/** Tickets: intake, the engine-driven step prompt, actions, assignment, notes, history and proof. */
export function ticketRoutes(storage: Storage, tickets: TicketService) {
  const app = new Hono<AppEnv>()

  const summary = async (t: TicketRow) => {
    const [sop, customer] = await Promise.all([
      tickets.sopFor(t.sopId, t.sopVersion),
      t.customerId ? storage.getCustomer(t.customerId) : null,
    ])
    const { state: _state, ...rest } = t
    return {
      ...rest,
      customerName: customer?.name ?? null,
      sopTitle: sop.document.title,
      stepTitles: t.steps.map((id) => sop.steps.get(id)?.title ?? id),
      overdue: t.status === 'open' && t.dueAt !== null && t.dueAt <= tickets.now(),
    }
  }
  /** The teams the current steps of a ticket name: its work is theirs (none: any team's). */
  const responsibleTeams = async (t: TicketRow): Promise<string[]> => {
    const sop = await tickets.sopFor(t.sopId, t.sopVersion)
    return t.steps.map((id) => sop.steps.get(id)?.team).filter((x): x is string => !!x)
  }
  /** The ticket, when this user may read it (data access follows the work, see `teamScope`). */
  const readable = async (c: Context<AppEnv>) => {
    const t = await tickets.get(c.req.param('id') as string)
    const user = c.get('user')
    const scope = teamScope(user)
    if (scope && t.assigneeId !== user.id) {
      const teams = t.assigneeId
        ? [(await storage.getUser(t.assigneeId))?.team ?? '']
        : await responsibleTeams(t)
      if (teams.length && !teams.includes(scope.team))
        throw new Problem(
          403,
          'outside_team',
          `Ticket ${t.id} is another team's work; your team is ${scope.team}`,
          {
            params: { id: t.id, team: scope.team },
          },
        )
    }
    return t
  }
  const view = async (c: Context<AppEnv>, t: TicketRow, status: 200 | 201 = 200) =>
    apiJson(await tickets.view(c.get('user'), t), status)

  app.get('/', async (c) => {
    const q = parse(schemas.ticketQuery, c.req.query(), 'query')
    const user = c.get('user')
    const rows = await storage.listTickets({
      status: q.status,
      step: q.step,
      assigneeId: q.assignee === 'me' ? user.id : q.assignee,
      unassigned: q.unassigned === 'true',
      visibleTo: teamScope(user) ?? undefined,
      queue: q.queue === 'me' ? undefined : q.queue,
      workQueue:
        q.queue === 'me'
          ? {
              team: user.team,
              roles: [user.role, ...(await storage.teams.orgRolesOf(user.id))],
              lead: user.role === 'supervisor',
            }
          : undefined,
      team: q.team,
      channel: q.channel,
      sopId: q.sop,
      customerId: q.customer,
      overdue: q.overdue === 'true',
      search: q.q,
      sort: q.sort,
      now: tickets.now(),
      limit: q.limit,
      offset: q.offset,
    })
    return c.json(await Promise.all(rows.map(summary)))
  })

  app.post('/', async (c) => {
    const raw = await jsonBody(c)
    const body = parse(schemas.ticketCreate, raw)
    const t = await tickets.create(c.get('user'), body, idempotency(c, raw))
    return view(c, t, 201)
  })

  // A ticket whose row disagrees with its history is served flagged, with every problem named.
  app.get('/:id', async (c) => {
    const t = await readable(c)
    const integrity = await tickets.integrity(t.id)
    try {
      return c.json({ ...(await tickets.view(c.get('user'), t)), integrity })
    } catch (err) {
      if (integrity.ok) throw err
      throw new Problem(
        409,
        'ticket_tampered',
        `Ticket ${t.id} disagrees with its history: ${integrity.problems.join('; ')}`,
        { id: t.id, integrity },
      )
    }
  })

  app.post('/:id/actions', async (c) => {
    const raw = await jsonBody(c)
    const body = parse(schemas.action, raw)
    const t = await tickets.decideAndCommit(
      c.get('user'),
      c.req.param('id'),
      { kind: 'action', action: body.action, fields: body.fields, ticks: body.ticks },
      { version: body.version, idem: idempotency(c, raw), type: 'transition' },
    )
    return view(c, t)
  })

  app.post('/:id/update', async (c) => {
    const raw = await jsonBody(c)
    const body = parse(schemas.update, raw)
    const t = await tickets.decideAndCommit(
      c.get('user'),
      c.req.param('id'),
      { kind: 'update', fields: body.fields, ticks: body.ticks },
      { version: body.version, idem: idempotency(c, raw), type: 'update' },
    )
    return view(c, t)
  })

  app.post('/:id/override', async (c) => {
    const raw = await jsonBody(c)
    const body = parse(schemas.override, raw)
    const t = await tickets.decideAndCommit(
      c.get('user'),
      c.req.param('id'),
      { kind: 'override', target: body.target, reason: body.reason },
      { version: body.version, idem: idempotency(c, raw), type: 'override' },
    )
    return view(c, t)
  })

  app.post('/:id/claim', async (c) => {
    const body = parse(schemas.claim, await jsonBody(c))
    const user = c.get('user')
    // One takes only work one can do (a supervisor may take any ticket of their team to intervene).
    if (user.role !== 'supervisor') await tickets.requireQualified(user, await readable(c))
    const t = await tickets.amend(
      user,
      c.req.param('id'),
      (t) => {
        requireNotClosed(t)
        if (t.assigneeId && t.assigneeId !== user.id && user.role !== 'supervisor') {
          throw new Problem(
            409,
            'already_assigned',
            'Someone else has this ticket; ask a supervisor to reassign it',
          )
        }
        return {
          ticket: { ...t, assigneeId: user.id },
          type: 'assignment',
          payload: { from: t.assigneeId, to: user.id, queue: t.queue, claimed: true },
          bump: true,
        }
      },
      body.version,
    )
    return view(c, t)
  })

  app.post('/:id/assign', async (c) => {
    const body = parse(schemas.assign, await jsonBody(c))
    let assignee: User | null = null
    if (body.userId) {
      assignee = await storage.getUser(body.userId)
      if (!assignee) throw notFound('User', body.userId)
    }
    const current = await tickets.get(c.req.param('id'))
    if (assignee) await tickets.requireQualified(assignee, current)
    const t = await tickets.amend(
      c.get('user'),
      c.req.param('id'),
      (t) => {
        requireNotClosed(t)
        const queue = body.queue !== undefined ? body.queue : t.queue
        return {
          ticket: {
            ...t,
            assigneeId: body.userId !== undefined ? (body.userId ?? null) : t.assigneeId,
            queue,
          },
          type: 'assignment',
          payload: { from: t.assigneeId, to: body.userId ?? null, queue, fromQueue: t.queue },
          bump: true,
        }
      },
      body.version,
    )
    return view(c, t)
  })

  app.post('/:id/notes', async (c) => {
    const body = parse(schemas.note, await jsonBody(c))
    // A note on a closed ticket is kept, marked late: it was written after the work ended.
    const t = await tickets.amend(
      c.get('user'),
      c.req.param('id'),
      (t) => ({
        ticket: t,
        type: 'note',
        payload: {
          text: body.text,
          visibility: body.visibility,
          ...(t.status === 'closed' ? { late: true } : {}),
        },
        bump: false,
      }),
      undefined,
      { assigneeOnly: true },
    )
    return view(c, t, 201)
  })

  app.route('/', watcherRoutes(storage, tickets, readable))
  app.route('/', templateRoutes(storage, tickets, readable))

  app.get('/:id/history', async (c) => {
    const t = await readable(c)
    const [audit, users, connections] = await Promise.all([
      storage.getAudit(t.id),
      storage.listUsers(),
      storage.channels.listConnections(),
    ])
    const names = new Map(users.map((u) => [u.id, u.name]))
    // A channel's records (a customer's message) name the connection it came through.
    for (const c of connections) names.set(`channel:${c.id}`, c.name)
    return c.json(
      audit.map((a) => ({
        seq: a.seq,
        type: a.type,
        at: a.at,
        actorId: a.actorId,
        actorName: a.actorId === 'system' ? 'sopflow' : (names.get(a.actorId) ?? a.actorId),
        role: a.role,
        payload: a.payload,
        prevHash: a.prevHash,
        hash: a.hash,
      })),
    )
  })

  app.get('/:id/verify', async (c) => c.json(await tickets.verify((await readable(c)).id)))

  app.get('/:id/evidence', async (c) => {
    const t = await readable(c)
    const size = c.req.query('size')
    if (size !== undefined && !/^\d+$/.test(size))
      throw new Problem(400, 'invalid_request', `Invalid query: size must be a tree size, not "${size}"`)
    const bytes = await tickets.evidence(t, c.get('user'), size === undefined ? undefined : Number(size))
    return c.body(bytes, 200, {
      'content-type': 'application/json',
      'content-disposition': `attachment; filename="sopflow-evidence-${t.id}.json"`,
    })
  })

  return app
}

/** The Idempotency-Key header, bound to this user, route and body. */
function idempotency(c: Context<AppEnv>, body: unknown): Idempotency | undefined {
  const key = c.req.header('idempotency-key')
  if (!key) return undefined
  if (key.length > 200)
    throw new Problem(400, 'invalid_request', 'Idempotency-Key is too long (200 characters at most)')
  return { key, fingerprint: sha256(`${c.req.method} ${c.req.path}\n${canonicalJson(body)}`) }
}
