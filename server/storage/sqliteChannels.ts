import type Database from 'better-sqlite3'
import { connectionParams, toAttachment, toConnection, toMessage } from './channelRows.ts'
import type { AttachmentRow, ChannelStore, Connection, MessageRow, MessageStatus } from './channelTypes.ts'
import { asRefusal } from './refused.ts'
import { toCustomer } from './rows.ts'
import type { Customer } from './types.ts'

type Row = Record<string, unknown>

/** Channels in the embedded SQLite database: each write is one transaction on the main connection. */
export class SqliteChannelStore implements ChannelStore {
  private readonly stmts = new Map<string, Database.Statement>()
  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.stmts.set(sql, s)
    }
    return s
  }

  async createConnection(c: Connection): Promise<void> {
    this.stmt(
      `INSERT INTO channel_connections (id, kind, name, address, channel, sop_id, queue, priority, secret, settings, enabled, created_at, updated_at)
       VALUES (@id, @kind, @name, @address, @channel, @sopId, @queue, @priority, @secret, @settings, @enabled, @createdAt, @updatedAt)`,
    ).run(connectionParams(c))
  }

  async updateConnection(c: Connection): Promise<void> {
    this.stmt(
      `UPDATE channel_connections SET name = @name, address = @address, channel = @channel, sop_id = @sopId,
       queue = @queue, priority = @priority, secret = @secret, settings = @settings, enabled = @enabled,
       updated_at = @updatedAt WHERE id = @id`,
    ).run(connectionParams(c))
  }

  async deleteConnection(id: string): Promise<void> {
    this.stmt('DELETE FROM channel_connections WHERE id = ?').run(id)
  }

  async getConnection(id: string): Promise<Connection | null> {
    const r = this.stmt('SELECT * FROM channel_connections WHERE id = ?').get(id) as Row | undefined
    return r ? toConnection(r) : null
  }

  async connectionByAddress(address: string): Promise<Connection | null> {
    const r = this.stmt('SELECT * FROM channel_connections WHERE address = ?').get(address.toLowerCase()) as
      | Row
      | undefined
    return r ? toConnection(r) : null
  }

  async listConnections(): Promise<Connection[]> {
    return (this.stmt('SELECT * FROM channel_connections ORDER BY kind, name').all() as Row[]).map(
      toConnection,
    )
  }

  async addMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void> {
    try {
      this.insertMessage(m, attachments)
    } catch (err) {
      throw asRefusal(err, m)
    }
  }

  private insertMessage(m: MessageRow, attachments: AttachmentRow[]): void {
    this.db.transaction(() => {
      this.stmt(
        `INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction, channel, status, sender,
         sender_name, subject, text, html, external_id, conversation_id, refs, raw, at)
         VALUES (@id, @connectionId, @ticketId, @followsTicketId, @direction, @channel, @status, @sender, @senderName,
         @subject, @text, @html, @externalId, @conversationId, @refs, @raw, @at)`,
      ).run({ ...m, refs: JSON.stringify(m.refs) })
      const add = this.stmt(
        `INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size, refused)
         VALUES (@id, @messageId, @sha256, @filename, @contentType, @size, @refused)`,
      )
      for (const a of attachments) add.run(a)
    })()
  }

  async setMessageTicket(id: string, ticketId: string | null, status: MessageStatus): Promise<void> {
    this.stmt('UPDATE channel_messages SET ticket_id = ?, status = ? WHERE id = ?').run(ticketId, status, id)
  }

  async messageByExternalId(connectionId: string, externalId: string): Promise<MessageRow | null> {
    const r = this.stmt('SELECT * FROM channel_messages WHERE connection_id = ? AND external_id = ?').get(
      connectionId,
      externalId,
    ) as Row | undefined
    return r ? toMessage(r) : null
  }

  async ticketOfExternalIds(ids: string[]): Promise<string | null> {
    if (!ids.length) return null
    const r = this.stmt(
      `SELECT ticket_id FROM channel_messages WHERE external_id IN (SELECT value FROM json_each(?))
       AND ticket_id IS NOT NULL ORDER BY at DESC LIMIT 1`,
    ).get(JSON.stringify(ids)) as Row | undefined
    return (r?.ticket_id as string | undefined) ?? null
  }

  async ticketOfConversation(connectionId: string, conversationId: string): Promise<string | null> {
    const r = this.stmt(
      `SELECT ticket_id FROM channel_messages WHERE connection_id = ? AND conversation_id = ?
       AND ticket_id IS NOT NULL ORDER BY at DESC, rowid DESC LIMIT 1`,
    ).get(connectionId, conversationId) as Row | undefined
    return (r?.ticket_id as string | undefined) ?? null
  }

  async ticketByPrefix(prefix: string): Promise<string | null> {
    if (!/^[0-9a-f]{6,20}$/.test(prefix)) return null
    const rows = this.stmt('SELECT id FROM tickets WHERE id >= ? AND id < ? LIMIT 2').all(
      `t_${prefix}`,
      `t_${prefix}~`,
    ) as Row[]
    return rows.length === 1 ? (rows[0].id as string) : null
  }

  async ticketByNumber(n: number): Promise<string | null> {
    const r = this.stmt('SELECT id FROM tickets WHERE number = ?').get(n) as Row | undefined
    return (r?.id as string | undefined) ?? null
  }

  async messagesOfTicket(ticketId: string): Promise<MessageRow[]> {
    return (
      this.stmt('SELECT * FROM channel_messages WHERE ticket_id = ? ORDER BY at, rowid').all(
        ticketId,
      ) as Row[]
    ).map(toMessage)
  }

  async messagesByStatus(status: MessageStatus, limit: number): Promise<MessageRow[]> {
    return (
      this.stmt('SELECT * FROM channel_messages WHERE status = ? ORDER BY at, rowid LIMIT ?').all(
        status,
        limit,
      ) as Row[]
    ).map(toMessage)
  }

  async attachmentsOf(messageIds: string[]): Promise<AttachmentRow[]> {
    if (!messageIds.length) return []
    return (
      this.stmt(
        'SELECT * FROM channel_attachments WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      ).all(JSON.stringify(messageIds)) as Row[]
    ).map(toAttachment)
  }

  async getAttachment(id: string): Promise<(AttachmentRow & { ticketId: string | null }) | null> {
    const r = this.stmt(
      `SELECT a.*, m.ticket_id FROM channel_attachments a JOIN channel_messages m ON m.id = a.message_id
       WHERE a.id = ?`,
    ).get(id) as Row | undefined
    return r ? { ...toAttachment(r), ticketId: (r.ticket_id as string | null) ?? null } : null
  }

  async addStatusLink(tokenHash: string, ticketId: string, connectionId: string, now: string): Promise<void> {
    this.stmt(
      'INSERT INTO status_links (token_hash, ticket_id, connection_id, created_at) VALUES (?, ?, ?, ?)',
    ).run(tokenHash, ticketId, connectionId, now)
  }

  async statusLink(tokenHash: string) {
    const r = this.stmt('SELECT * FROM status_links WHERE token_hash = ?').get(tokenHash) as Row | undefined
    return r
      ? {
          ticketId: r.ticket_id as string,
          connectionId: r.connection_id as string,
          revokedAt: (r.revoked_at as string | null) ?? null,
        }
      : null
  }

  async revokeStatusLinks(ticketId: string, now: string): Promise<number> {
    return this.stmt('UPDATE status_links SET revoked_at = ? WHERE ticket_id = ? AND revoked_at IS NULL').run(
      now,
      ticketId,
    ).changes
  }

  async customersByEmail(email: string): Promise<Customer[]> {
    return (
      this.stmt('SELECT * FROM customers WHERE lower(email) = ? ORDER BY updated_at DESC').all(
        email.toLowerCase(),
      ) as Row[]
    ).map(toCustomer)
  }

  async customersByPhoneDigits(digits: string): Promise<Customer[]> {
    if (!/^\d{4,}$/.test(digits)) return []
    return (
      this.stmt(
        `SELECT * FROM customers WHERE replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''),
         '.', ''), '(', ''), ')', ''), '/', '') LIKE ? ORDER BY updated_at DESC LIMIT 50`,
      ).all(`%${digits}`) as Row[]
    ).map(toCustomer)
  }
}
