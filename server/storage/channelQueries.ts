import { type Kysely, sql } from 'kysely'
import { connectionParams, toAttachment, toConnection, toMessage } from './channelRows.ts'
import type { AttachmentRow, ChannelStore, Connection, MessageRow, MessageStatus } from './channelTypes.ts'
import { toCustomer } from './rows.ts'
import type { SqlDialect } from './sqlDialect.ts'
import type { Customer } from './types.ts'

function connectionRow(c: Connection) {
  const p = connectionParams(c)
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    address: p.address,
    channel: p.channel,
    sop_id: p.sopId,
    queue: p.queue,
    priority: p.priority,
    secret: p.secret,
    settings: p.settings,
    enabled: p.enabled,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }
}

/**
 * The channel store's queries, written once for both databases; each backend adds how it stores a
 * message with its attachments in one transaction (./sqliteChannels.ts, ./pgChannels.ts).
 */
export abstract class ChannelQueries implements ChannelStore {
  constructor(
    protected readonly db: Kysely<any>,
    private readonly d: SqlDialect,
  ) {}

  abstract addMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void>

  async createConnection(c: Connection): Promise<void> {
    await this.db.insertInto('channel_connections').values(connectionRow(c)).execute()
  }

  async updateConnection(c: Connection): Promise<void> {
    const { id, kind: _kind, created_at: _created, ...change } = connectionRow(c)
    await this.db.updateTable('channel_connections').set(change).where('id', '=', id).execute()
  }

  async deleteConnection(id: string): Promise<void> {
    await this.db.deleteFrom('channel_connections').where('id', '=', id).execute()
  }

  async getConnection(id: string): Promise<Connection | null> {
    const r = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return r ? toConnection(r) : null
  }

  async connectionByAddress(address: string): Promise<Connection | null> {
    const r = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .where('address', '=', address.toLowerCase())
      .executeTakeFirst()
    return r ? toConnection(r) : null
  }

  async listConnections(): Promise<Connection[]> {
    const rows = await this.db
      .selectFrom('channel_connections')
      .selectAll()
      .orderBy('kind')
      .orderBy('name')
      .execute()
    return rows.map(toConnection)
  }

  async setMessageTicket(id: string, ticketId: string | null, status: MessageStatus): Promise<void> {
    await this.db
      .updateTable('channel_messages')
      .set({ ticket_id: ticketId, status })
      .where('id', '=', id)
      .execute()
  }

  async messageByExternalId(connectionId: string, externalId: string): Promise<MessageRow | null> {
    const r = await this.db
      .selectFrom('channel_messages')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('external_id', '=', externalId)
      .executeTakeFirst()
    return r ? toMessage(r) : null
  }

  async ticketOfExternalIds(ids: string[]): Promise<string | null> {
    // Stryker disable next-line ConditionalExpression: an empty list matches no row, so the query answers null too
    if (!ids.length) return null
    const r = await this.db
      .selectFrom('channel_messages')
      .select('ticket_id')
      .where(this.d.oneOf(sql.ref('external_id'), ids))
      .where('ticket_id', 'is not', null)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst()
    return r?.ticket_id ?? null
  }

  async ticketOfConversation(connectionId: string, conversationId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('channel_messages')
      .select('ticket_id')
      .where('connection_id', '=', connectionId)
      .where('conversation_id', '=', conversationId)
      .where('ticket_id', 'is not', null)
      .orderBy('at', 'desc')
      .orderBy(this.d.inserted, 'desc')
      .limit(1)
      .executeTakeFirst()
    return r?.ticket_id ?? null
  }

  async ticketByNumber(n: number): Promise<string | null> {
    const r = await this.db.selectFrom('tickets').select('id').where('number', '=', n).executeTakeFirst()
    return (r?.id as string | undefined) ?? null
  }

  async ticketByPrefix(prefix: string): Promise<string | null> {
    if (!/^[0-9a-f]{6,20}$/.test(prefix)) return null
    const rows = await this.db
      .selectFrom('tickets')
      .select('id')
      .where('id', '>=', `t_${prefix}`)
      .where('id', '<', `t_${prefix}~`)
      .limit(2)
      .execute()
    return rows.length === 1 ? rows[0].id : null
  }

  async messagesOfTicket(ticketId: string): Promise<MessageRow[]> {
    const rows = await this.db
      .selectFrom('channel_messages')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .orderBy('at')
      .orderBy(this.d.inserted)
      .execute()
    return rows.map(toMessage)
  }

  async messagesByStatus(status: MessageStatus, limit: number): Promise<MessageRow[]> {
    const rows = await this.db
      .selectFrom('channel_messages')
      .selectAll()
      .where('status', '=', status)
      .orderBy('at')
      .orderBy(this.d.inserted)
      .limit(limit)
      .execute()
    return rows.map(toMessage)
  }

  async attachmentsOf(messageIds: string[]): Promise<AttachmentRow[]> {
    // Stryker disable next-line ConditionalExpression: an empty list matches no row, so the query answers [] too
    if (!messageIds.length) return []
    const rows = await this.db
      .selectFrom('channel_attachments')
      .selectAll()
      .where(this.d.oneOf(sql.ref('message_id'), messageIds))
      .orderBy(this.d.inserted)
      .execute()
    return rows.map(toAttachment)
  }

  async getAttachment(id: string): Promise<(AttachmentRow & { ticketId: string | null }) | null> {
    const r = await this.db
      .selectFrom('channel_attachments as a')
      .innerJoin('channel_messages as m', 'm.id', 'a.message_id')
      .selectAll('a')
      .select('m.ticket_id')
      .where('a.id', '=', id)
      .executeTakeFirst()
    return r ? { ...toAttachment(r), ticketId: r.ticket_id ?? null } : null
  }

  async addStatusLink(tokenHash: string, ticketId: string, connectionId: string, now: string): Promise<void> {
    await this.db
      .insertInto('status_links')
      .values({ token_hash: tokenHash, ticket_id: ticketId, connection_id: connectionId, created_at: now })
      .execute()
  }

  async statusLink(tokenHash: string) {
    const r = await this.db
      .selectFrom('status_links')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst()
    return r
      ? { ticketId: r.ticket_id, connectionId: r.connection_id, revokedAt: r.revoked_at ?? null }
      : null
  }

  async revokeStatusLinks(ticketId: string, now: string): Promise<number> {
    const r = await this.db
      .updateTable('status_links')
      .set({ revoked_at: now })
      .where('ticket_id', '=', ticketId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }

  async customersByEmail(email: string): Promise<Customer[]> {
    const rows = await this.db
      .selectFrom('customers')
      .selectAll()
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .orderBy('updated_at', 'desc')
      .execute()
    return rows.map(toCustomer)
  }

  async customersByPhoneDigits(digits: string): Promise<Customer[]> {
    if (!/^\d{4,}$/.test(digits)) return []
    const rows = await this.db
      .selectFrom('customers')
      .selectAll()
      .where(
        sql`replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '/', '')`,
        'like',
        `%${digits}`,
      )
      .orderBy('updated_at', 'desc')
      .limit(50)
      .execute()
    return rows.map(toCustomer)
  }
}
