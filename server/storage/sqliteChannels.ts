import type Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { ChannelQueries } from './channelQueries.ts'
import type { AttachmentRow, MessageRow } from './channelTypes.ts'
import { asRefusal } from './refused.ts'
import { sqliteDialect } from './sqlDialect.ts'

/** Kysely over a SQLite connection: it builds the shared queries' SQL, the connection runs it. */
export const kyselyOver = (db: Database.Database) =>
  new Kysely<any>({ dialect: new SqliteDialect({ database: db }) })

/**
 * Channels in the embedded SQLite database. A message and its attachments are stored in one
 * synchronous transaction on the main connection, so nothing else runs inside it.
 */
export class SqliteChannelStore extends ChannelQueries {
  constructor(private readonly sqlite: Database.Database) {
    super(kyselyOver(sqlite), sqliteDialect)
  }

  async addMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void> {
    try {
      this.insertMessage(m, attachments)
    } catch (err) {
      throw asRefusal(err, m)
    }
  }

  private insertMessage(m: MessageRow, attachments: AttachmentRow[]): void {
    this.sqlite.transaction(() => {
      this.sqlite
        .prepare(
          `INSERT INTO channel_messages (id, connection_id, ticket_id, follows_ticket_id, direction, channel, status, sender,
         sender_name, subject, text, html, external_id, conversation_id, refs, raw, at)
         VALUES (@id, @connectionId, @ticketId, @followsTicketId, @direction, @channel, @status, @sender, @senderName,
         @subject, @text, @html, @externalId, @conversationId, @refs, @raw, @at)`,
        )
        .run({ ...m, refs: JSON.stringify(m.refs) })
      const add = this.sqlite.prepare(
        `INSERT INTO channel_attachments (id, message_id, sha256, filename, content_type, size, refused)
         VALUES (@id, @messageId, @sha256, @filename, @contentType, @size, @refused)`,
      )
      for (const a of attachments) add.run(a)
    })()
  }
}
