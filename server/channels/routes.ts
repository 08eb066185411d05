import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { readBodyText } from '../http/body.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import type { TicketService } from '../services/tickets.ts'
import type { Connection } from '../storage/channelTypes.ts'
import type { Storage } from '../storage/types.ts'
import { type ConnectionService, connectionSchemas } from './connections.ts'
import type { FormService } from './forms.ts'
import { type ConversationService, ticketReference } from './messages.ts'
import { deliveryToIncoming, verifyDelivery } from './webhooksIn.ts'

export interface ChannelParts {
  storage: Storage
  tickets: TicketService
  connections: ConnectionService
  conversations: ConversationService
  forms: FormService
}

/** A connection as the API shows it: a webhook's secret only to those who manage connections. */
function shown(c: Connection) {
  return { ...c, inboundUrl: c.kind === 'webhook' ? `/api/channels/${c.id}/messages` : null }
}

/**
 * Routes that need no account: a gateway's inbound webhook (proved by its signature), the public
 * web form and the customer's status page (proved by the link's token).
 */
export function publicChannelRoutes(p: ChannelParts) {
  const app = new Hono<AppEnv>()
  app.post('/channels/:id/messages', async (c) => {
    const conn = await p.storage.channels.getConnection(c.req.param('id'))
    if (conn?.kind !== 'webhook' || !conn.enabled) throw notFound('Connection', c.req.param('id'))
    const body = await readBodyText(c)
    const headers = {
      'webhook-id': c.req.header('webhook-id') ?? '',
      'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
      'webhook-signature': c.req.header('webhook-signature') ?? '',
    }
    const payload = verifyDelivery(conn, body, headers)
    const r = await p.conversations.receive(conn, deliveryToIncoming(conn, payload))
    return c.json({
      messageId: r.messageId,
      ticketId: r.ticketId,
      reference: r.reference,
      status: r.status,
      duplicate: r.duplicate,
    })
  })
  app.get('/public/forms/:slug', async (c) => c.json(await p.forms.describe(c.req.param('slug'))))
  app.post('/public/forms/:slug', async (c) => {
    const ip = c.req.header('x-forwarded-for')?.split(',')[0].trim() || clientAddress(c.env) || 'unknown'
    return c.json(await p.forms.submit(c.req.param('slug'), await jsonBody(c), ip), 201)
  })
  app.get('/public/status/:token', async (c) => c.json(await p.forms.status(c.req.param('token'))))
  app.post('/public/status/:token/replies', async (c) =>
    c.json(await p.forms.reply(c.req.param('token'), await jsonBody(c)), 201),
  )
  return app
}

function clientAddress(env: unknown): string | null {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
  return incoming?.socket?.remoteAddress ?? null
}

/** Connections, managed by owners and admins. */
export function connectionRoutes(p: ChannelParts) {
  const app = new Hono<AppEnv>()
  // Stryker disable next-line StringLiteral: hono mounts '' and '/' at the same path
  app.get('/', async (c) => c.json((await p.storage.channels.listConnections()).map(shown)))
  // Stryker disable next-line StringLiteral: hono mounts '' and '/' at the same path
  app.post('/', async (c) => {
    const body = parse(connectionSchemas.create, await jsonBody(c))
    return c.json(shown(await p.connections.create(body)), 201)
  })
  // Messages that opened no ticket: unreadable (kept raw), unrouted, or auto-replies and bounces.
  app.get('/held', async (c) => {
    const status = parse(
      z.object({ status: z.enum(['malformed', 'unrouted', 'noise']).default('malformed') }).strict(),
      c.req.query(),
      'query',
    ).status
    const rows = await p.storage.channels.messagesByStatus(status, 200)
    return c.json(rows.map(({ raw, ...m }) => ({ ...m, rawBytes: raw?.length ?? 0 })))
  })
  app.get('/:id', async (c) => c.json(shown(await p.connections.get(c.req.param('id')))))
  app.patch('/:id', async (c) => {
    const body = parse(connectionSchemas.update, await jsonBody(c))
    return c.json(shown(await p.connections.update(c.req.param('id'), body)))
  })
  app.delete('/:id', async (c) => {
    const conn = await p.connections.get(c.req.param('id'))
    await p.storage.channels.deleteConnection(conn.id)
    return c.body(null, 204)
  })
  // A test message through the connection, as if a customer had sent it: it opens a ticket.
  app.post('/:id/test', async (c) => {
    const conn = await p.connections.get(c.req.param('id'))
    const body = parse(
      z.object({ text: z.string().trim().min(1).max(2000).optional() }).strict(),
      await jsonBody(c),
    )
    const user = c.get('user')
    const r = await p.conversations.receive(conn, {
      channel: conn.channel,
      sender: { handle: `test:${user.id}`, name: user.name },
      subject: `Test message: ${conn.name}`,
      text: body.text ?? `A test message through ${conn.name}.`,
    })
    if (!r.ticketId)
      throw new Problem(422, 'sop_not_published', `SOP "${conn.sopId}" cannot open tickets now`, {
        params: { id: conn.sopId },
      })
    return c.json({ ticketId: r.ticketId, reference: r.reference, status: r.status }, 201)
  })
  // The phone system's screen pop: the caller's customer records and their open tickets.
  app.get('/phone/lookup', async (c) => {
    const phone = c.req.query('phone') ?? ''
    const customers = await p.conversations.customersByPhone(phone)
    const open = await Promise.all(
      customers.map((cu) =>
        p.storage.listTickets({
          customerId: cu.id,
          status: 'open',
          now: p.tickets.now(),
          limit: 20,
          offset: 0,
        }),
      ),
    )
    return c.json({
      phone,
      customers,
      openTickets: open.flat().map(({ state: _s, ...t }) => ({ ...t, reference: ticketReference(t) })),
    })
  })
  return app
}

/** A ticket's conversation, its attachments, and answers to the customer. */
export function conversationRoutes(p: ChannelParts) {
  const app = new Hono<AppEnv>()
  app.get('/tickets/:id/conversation', async (c) => {
    const t = await p.tickets.get(c.req.param('id'))
    return c.json({ reference: ticketReference(t), messages: await p.conversations.conversation(t.id) })
  })
  app.post('/tickets/:id/conversation', async (c) => {
    const body = parse(z.object({ text: z.string().trim().min(1).max(20_000) }).strict(), await jsonBody(c))
    const { raw: _raw, ...m } = await p.conversations.reply(c.get('user'), c.req.param('id'), body.text)
    return c.json(m, 201)
  })
  // The customer's status links of a ticket stop working at once.
  app.post('/tickets/:id/status-links/revoke', async (c) => {
    const t = await p.tickets.get(c.req.param('id'))
    return c.json({ revoked: await p.storage.channels.revokeStatusLinks(t.id, p.tickets.now()) })
  })
  app.get('/attachments/:id', async (c) => {
    const a = await p.storage.channels.getAttachment(c.req.param('id'))
    if (!a?.sha256 || !a.ticketId) throw notFound('Attachment', c.req.param('id'))
    await p.tickets.get(a.ticketId)
    const bytes = await p.conversations.files.read(a.sha256)
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${a.filename.replace(/["\\\r\n]/g, '_')}"`,
      'x-content-type-options': 'nosniff',
    })
  })
  return app
}
