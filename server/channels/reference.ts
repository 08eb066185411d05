import { canonicalJson } from '../../engine/index.ts'
import { sha256 } from '../services/crypto.ts'
import type { AttachmentRow, MessageRow } from '../storage/channelTypes.ts'

/** A ticket reference in a subject: `[#T-1042]`, or the older `[#T-1a2b3c4d]` (the id's start). */
export const REFERENCE = /\[#T-([0-9a-f]{4,20})\]/i

/** The reference customers see for a ticket: T- and its number (older tickets: T- and 8 characters of the id). */
export function ticketReference(t: { id: string; number?: number | null }): string {
  return t.number ? `T-${t.number}` : `T-${t.id.replace(/^t_/, '').slice(0, 8)}`
}

/**
 * The payload of a message's `message` record: which message, on which channel, and a hash of
 * its content (sender, subject, text, HTML and the attachments' content addresses), so the chain
 * seals what the customer wrote.
 */
export function messageRecord(m: MessageRow, attachments: AttachmentRow[]): Record<string, unknown> {
  const content = {
    sender: m.sender,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: attachments.map((a) => a.sha256),
  }
  return {
    messageId: m.id,
    channel: m.channel,
    connectionId: m.connectionId,
    direction: m.direction,
    contentHash: sha256(canonicalJson(content)),
  }
}
