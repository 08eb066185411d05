import { z } from 'zod'
import type { FieldValue } from '../../engine/index.ts'
import { notFound, Problem, parse } from '../http/problem.ts'
import { newToken, sha256 } from '../services/crypto.ts'
import type { TicketService } from '../services/tickets.ts'
import type { Connection } from '../storage/channelTypes.ts'
import type { Storage } from '../storage/types.ts'
import { type ConversationService, ticketReference } from './messages.ts'

export const formSubmission = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z
      .string()
      .trim()
      .email()
      .max(320)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    phone: z
      .string()
      .trim()
      .min(3)
      .max(40)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    subject: z.string().trim().min(1).max(300),
    message: z.string().trim().min(1).max(20_000),
    fields: z.record(z.string(), z.union([z.string().max(2000), z.number(), z.boolean()])).default({}),
    /** The honeypot: people never see it, so never fill it. */
    website: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => b.email || b.phone, { message: 'give an e-mail address or a phone number', path: ['email'] })

export const statusReply = z.object({ text: z.string().trim().min(1).max(20_000) }).strict()

/** Counts requests per key in a sliding window; refuses past the limit. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds to wait when over the limit, else 0 (and the hit is counted). */
  take(key: string, now: number): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
    if (recent.length >= this.limit) {
      this.hits.set(key, recent)
      return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000))
    }
    recent.push(now)
    this.hits.set(key, recent)
    if (this.hits.size > 50_000) this.hits.delete(this.hits.keys().next().value as string)
    return 0
  }
}

/** Public web forms and the customer's status page: no account, an unguessable link per request. */
export class FormService {
  private readonly perIp: RateLimiter
  private readonly perAddress: RateLimiter

  constructor(
    private readonly storage: Storage,
    private readonly tickets: TicketService,
    private readonly conversations: ConversationService,
    private readonly clock: () => Date,
    limits: { perIp?: number; perAddress?: number; windowMs?: number } = {},
  ) {
    const windowMs = limits.windowMs ?? 10 * 60_000
    this.perIp = new RateLimiter(limits.perIp ?? 10, windowMs)
    this.perAddress = new RateLimiter(limits.perAddress ?? 5, windowMs)
  }

  async form(slug: string): Promise<Connection> {
    const conn = await this.storage.channels.connectionByAddress(slug)
    if (conn?.kind !== 'form' || !conn.enabled) throw notFound('Form', slug)
    return conn
  }

  /** What the form page shows: its title, language and the SOP fields asked of the customer. */
  async describe(slug: string) {
    const conn = await this.form(slug)
    const latest = await this.storage.latestVersion(conn.sopId)
    const asked = new Set(conn.settings.askFields ?? [])
    const fields = (latest?.document.fields ?? [])
      .filter((f) => asked.has(f.name))
      .map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        options: (f as { options?: unknown }).options,
      }))
    return {
      slug: conn.address,
      title: conn.settings.title || latest?.document.title || conn.name,
      language: conn.settings.language ?? latest?.document.language ?? 'en',
      fields,
    }
  }

  async submit(slug: string, raw: unknown, ip: string) {
    const conn = await this.form(slug)
    const body = parse(formSubmission, raw)
    if (body.website)
      throw new Problem(422, 'submission_refused', 'The submission was refused', { params: {} })
    const now = this.clock().getTime()
    for (const [limiter, key] of [
      [this.perIp, `ip:${ip}`],
      [this.perAddress, `addr:${(body.email ?? body.phone ?? '').toLowerCase()}`],
    ] as const) {
      const wait = limiter.take(key, now)
      if (wait)
        throw new Problem(429, 'rate_limited', `Too many requests; try again in ${wait} s`, {
          params: { seconds: wait },
        })
    }
    const fields = await this.askedValues(conn, body.fields)
    const r = await this.conversations.receive(conn, {
      channel: conn.channel,
      sender: { email: body.email, phone: body.phone, name: body.name },
      subject: body.subject,
      text: body.message,
      fields,
    })
    if (!r.ticketId)
      throw new Problem(422, 'submission_refused', 'The form cannot open requests now', { params: {} })
    const token = newToken()
    await this.storage.channels.addStatusLink(
      statusHash(token),
      r.ticketId,
      conn.id,
      this.clock().toISOString(),
    )
    return { reference: r.reference ?? ticketReference({ id: r.ticketId }), token }
  }

  /**
   * The SOP field values a submission gives, typed as the fields are (a form posts text): only
   * fields the form asks; any other is refused, naming it. The engine checks the values.
   */
  private async askedValues(
    conn: Connection,
    given: Record<string, string | number | boolean>,
  ): Promise<Record<string, FieldValue>> {
    const asked = new Set(conn.settings.askFields ?? [])
    const extra = Object.keys(given).filter((k) => !asked.has(k))
    if (extra.length)
      throw new Problem(422, 'unknown_field', `This form does not ask for: ${extra.join(', ')}`, {
        params: { fields: extra.join(', ') },
      })
    const latest = await this.storage.latestVersion(conn.sopId)
    const types = new Map((latest?.document.fields ?? []).map((f) => [f.name, f.type]))
    const out: Record<string, FieldValue> = {}
    for (const [name, v] of Object.entries(given)) {
      if (v === '') continue
      const type = types.get(name)
      if (type === 'number' && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()))
        out[name] = Number(v)
      else if (type === 'boolean' && (v === 'true' || v === 'false')) out[name] = v === 'true'
      else out[name] = v
    }
    return out
  }

  private async link(token: string) {
    const link = await this.storage.channels.statusLink(statusHash(token))
    if (!link || link.revokedAt) throw notFound('Status page', 'link')
    return link
  }

  /** The customer's view: the request's public status and the messages in and out, nothing internal. */
  async status(token: string) {
    const link = await this.link(token)
    const t = await this.tickets.get(link.ticketId)
    const messages = await this.conversations.conversation(t.id)
    const conn = await this.storage.channels.getConnection(link.connectionId)
    const sop = await this.tickets.sopFor(t.sopId, t.sopVersion)
    return {
      reference: ticketReference(t),
      language: conn?.settings.language ?? sop.document.language ?? 'en',
      subject: t.subject,
      status: t.status,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      messages: messages.map((m) => ({
        direction: m.direction,
        at: m.at,
        text: m.text,
        from: m.direction === 'in' ? (m.senderName ?? m.sender) : m.senderName,
      })),
    }
  }

  async reply(token: string, raw: unknown) {
    const link = await this.link(token)
    const body = parse(statusReply, raw)
    const conn = await this.storage.channels.getConnection(link.connectionId)
    if (!conn) throw notFound('Form', link.connectionId)
    const t = await this.tickets.get(link.ticketId)
    const first = (await this.storage.channels.messagesOfTicket(t.id)).find((m) => m.direction === 'in')
    const r = await this.conversations.receive(conn, {
      channel: conn.channel,
      sender: { email: first?.sender, name: first?.senderName },
      subject: `Re: ${t.subject}`,
      text: body.text,
      ticketId: t.id,
    })
    return { reference: r.reference ?? ticketReference(t) }
  }
}

export function statusHash(token: string): string {
  return sha256(`sopflow-status:${token}`)
}
