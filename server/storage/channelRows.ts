import type { AttachmentRow, Connection, MessageRow, MessageStatus } from './channelTypes.ts'

/** Channel rows as both databases store them (JSON as text, flags as 0/1). */
type Row = Record<string, unknown>

export function connectionParams(c: Connection) {
  return {
    ...c,
    settings: JSON.stringify(c.settings),
    enabled: c.enabled ? 1 : 0,
    address: c.address.toLowerCase(),
  }
}

export function toConnection(r: Row): Connection {
  return {
    id: r.id as string,
    kind: r.kind as Connection['kind'],
    name: r.name as string,
    address: r.address as string,
    channel: r.channel as string,
    sopId: r.sop_id as string,
    queue: (r.queue as string | null) ?? null,
    priority: r.priority as Connection['priority'],
    secret: (r.secret as string | null) ?? null,
    settings: JSON.parse(r.settings as string),
    enabled: r.enabled === 1,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  }
}

export function toMessage(r: Row): MessageRow {
  return {
    id: r.id as string,
    connectionId: r.connection_id as string,
    ticketId: (r.ticket_id as string | null) ?? null,
    followsTicketId: (r.follows_ticket_id as string | null) ?? null,
    direction: r.direction as MessageRow['direction'],
    channel: r.channel as string,
    status: r.status as MessageStatus,
    sender: r.sender as string,
    senderName: (r.sender_name as string | null) ?? null,
    subject: r.subject as string,
    text: r.text as string,
    html: (r.html as string | null) ?? null,
    externalId: (r.external_id as string | null) ?? null,
    conversationId: (r.conversation_id as string | null) ?? null,
    refs: JSON.parse(r.refs as string),
    raw: (r.raw as Buffer | null) ?? null,
    at: r.at as string,
  }
}

export function toAttachment(r: Row): AttachmentRow {
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    sha256: (r.sha256 as string | null) ?? null,
    filename: r.filename as string,
    contentType: r.content_type as string,
    size: r.size as number,
    refused: (r.refused as string | null) ?? null,
  }
}
