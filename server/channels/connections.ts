import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { CHANNELS } from '../../engine/index.ts'
import { notFound, Problem } from '../http/problem.ts'
import { urlProblem } from '../outbox/ssrf.ts'
import { newId } from '../services/crypto.ts'
import { CONNECTION_KINDS, type Connection } from '../storage/channelTypes.ts'
import type { Storage } from '../storage/types.ts'

const priority = z.enum(['low', 'normal', 'high', 'urgent'])
const settings = z
  .object({
    askFields: z.array(z.string().min(1).max(100)).max(30).optional(),
    language: z.enum(['en', 'vi', 'cs']).optional(),
    title: z.string().trim().max(200).optional(),
    /** A webhook connection's outbound URL: replies to its customers are posted there (signed). */
    replyUrl: z.string().trim().max(2000).optional(),
    /** The reply URL may be a loopback or private address (an owner's explicit choice). */
    replyAllowPrivate: z.boolean().optional(),
  })
  .strict()

export const connectionSchemas = {
  create: z
    .object({
      kind: z.enum(CONNECTION_KINDS),
      name: z.string().trim().min(1).max(200),
      /** A mailbox's e-mail address, a form's or webhook connection's slug. */
      address: z.string().trim().min(1).max(320),
      channel: z.enum(CHANNELS).optional(),
      sopId: z.string().min(1),
      queue: z.string().max(100).nullish(),
      priority: priority.default('normal'),
      settings: settings.default({}),
      enabled: z.boolean().default(true),
    })
    .strict(),
  update: z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      address: z.string().trim().min(1).max(320).optional(),
      channel: z.enum(CHANNELS).optional(),
      sopId: z.string().min(1).optional(),
      queue: z.string().max(100).nullish(),
      priority: priority.optional(),
      settings: settings.optional(),
      enabled: z.boolean().optional(),
      /** A new signing secret replaces the old one at once. */
      rotateSecret: z.boolean().optional(),
    })
    .strict(),
}

const DEFAULT_CHANNEL = { email: 'email', form: 'web', webhook: 'chat' } as const

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

function checkAddress(kind: Connection['kind'], address: string): string {
  const a = address.toLowerCase()
  const ok =
    kind === 'email' ? /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a) : /^[a-z0-9][a-z0-9-]{0,62}$/.test(a)
  if (!ok)
    throw new Problem(
      400,
      'invalid_request',
      kind === 'email'
        ? `Invalid body: address must be an e-mail address, not "${address}"`
        : `Invalid body: address must be a slug (lower-case letters, digits, dashes), not "${address}"`,
      { params: { where: 'body', fields: 'address' } },
    )
  return a
}

/** The connections customers reach the desk through: created, changed and removed by owners and admins. */
export class ConnectionService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: () => Date,
  ) {}

  async get(id: string): Promise<Connection> {
    const c = await this.storage.channels.getConnection(id)
    if (!c) throw notFound('Connection', id)
    return c
  }

  private async check(c: Connection): Promise<void> {
    if (!(await this.storage.getSop(c.sopId))) throw notFound('SOP', c.sopId)
    if (c.settings.replyUrl) {
      const problem = await urlProblem(c.settings.replyUrl, c.settings.replyAllowPrivate === true)
      if (problem)
        throw new Problem(422, 'webhook_url_refused', `The reply URL is refused: ${problem}`, {
          params: { url: c.settings.replyUrl, reason: problem },
        })
    }
    const other = await this.storage.channels.connectionByAddress(c.address)
    if (other && other.id !== c.id)
      throw new Problem(409, 'connection_address_taken', `Another connection already uses ${c.address}`, {
        params: { address: c.address },
      })
  }

  async create(input: z.infer<typeof connectionSchemas.create>): Promise<Connection> {
    const now = this.clock().toISOString()
    const c: Connection = {
      id: newId('ch'),
      kind: input.kind,
      name: input.name,
      address: checkAddress(input.kind, input.address),
      channel: input.channel ?? DEFAULT_CHANNEL[input.kind],
      sopId: input.sopId,
      queue: input.queue ?? null,
      priority: input.priority,
      secret: input.kind === 'webhook' ? newSecret() : null,
      settings: input.settings,
      enabled: input.enabled,
      createdAt: now,
      updatedAt: now,
    }
    await this.check(c)
    await this.storage.channels.createConnection(c)
    return c
  }

  async update(id: string, input: z.infer<typeof connectionSchemas.update>): Promise<Connection> {
    const old = await this.get(id)
    const c: Connection = {
      ...old,
      name: input.name ?? old.name,
      address: input.address ? checkAddress(old.kind, input.address) : old.address,
      channel: input.channel ?? old.channel,
      sopId: input.sopId ?? old.sopId,
      queue: input.queue !== undefined ? (input.queue ?? null) : old.queue,
      priority: input.priority ?? old.priority,
      settings: input.settings ?? old.settings,
      enabled: input.enabled ?? old.enabled,
      secret: input.rotateSecret && old.kind === 'webhook' ? newSecret() : old.secret,
      updatedAt: this.clock().toISOString(),
    }
    await this.check(c)
    await this.storage.channels.updateConnection(c)
    return c
  }
}
