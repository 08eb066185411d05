import { type Kysely, sql } from 'kysely'
import { ChannelQueries } from './channelQueries.ts'
import type { AttachmentRow, MessageRow } from './channelTypes.ts'
import { asRefusal } from './refused.ts'
import { postgresDialect } from './sqlDialect.ts'

/** Channels on PostgreSQL; `pos` keeps the order messages and attachments were stored in. */
export class PgChannelStore extends ChannelQueries {
  constructor(db: Kysely<any>) {
    super(db, postgresDialect)
  }

  async addMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void> {
    await this.insertMessage(m, attachments).catch((err) => {
      throw asRefusal(err, m)
    })
  }

  private async insertMessage(m: MessageRow, attachments: AttachmentRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('channel_messages')
        .values({
          id: m.id,
          connection_id: m.connectionId,
          ticket_id: m.ticketId,
          follows_ticket_id: m.followsTicketId,
          direction: m.direction,
          channel: m.channel,
          status: m.status,
          sender: m.sender,
          sender_name: m.senderName,
          subject: m.subject,
          text: m.text,
          html: m.html,
          external_id: m.externalId,
          conversation_id: m.conversationId,
          refs: JSON.stringify(m.refs),
          raw: m.raw,
          at: m.at,
        })
        .execute()
      for (const a of attachments)
        await trx
          .insertInto('channel_attachments')
          .values({
            id: a.id,
            message_id: a.messageId,
            sha256: a.sha256,
            filename: a.filename,
            content_type: a.contentType,
            size: a.size,
            refused: a.refused,
          })
          .execute()
    })
  }
}

/**
 * Ticket numbers on PostgreSQL: one sequence in the database, so servers sharing it never hand
 * out the same number (`sopflow db copy` moves the sequence past the copied tickets).
 */
export class PgTicketNumbers {
  constructor(private readonly db: Kysely<any>) {}

  async next(): Promise<number> {
    const r = await sql<{ n: number }>`SELECT nextval('ticket_numbers') AS n`.execute(this.db)
    return Number(r.rows[0].n)
  }
}
