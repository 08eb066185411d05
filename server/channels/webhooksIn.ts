import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { z } from 'zod'
import { Problem, parse } from '../http/problem.ts'
import type { Connection } from '../storage/channelTypes.ts'
import type { Incoming } from './messages.ts'

/** The body a chat, SMS, social or IVR gateway posts for one inbound message. */
export const inboundSchema = z
  .object({
    sender: z
      .object({
        phone: z.string().trim().min(3).max(40).optional(),
        handle: z.string().trim().min(1).max(200).optional(),
        email: z.string().trim().email().max(320).optional(),
        name: z.string().trim().max(200).optional(),
      })
      .strict()
      .refine((s) => s.phone || s.handle || s.email, "give the sender's phone, handle or email"),
    conversationId: z.string().min(1).max(200),
    messageId: z.string().min(1).max(200),
    text: z.string().max(100_000),
    subject: z.string().max(300).optional(),
    attachments: z
      .array(
        z
          .object({
            filename: z.string().min(1).max(255),
            contentType: z.string().min(1).max(200),
            /** The file's bytes in base64. */
            content: z.string().max(20_000_000),
          })
          .strict(),
      )
      .max(20)
      .default([]),
  })
  .strict()

/**
 * Checks a delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) with the connection's secret; a bad or stale one is a 401.
 */
export function verifyDelivery(conn: Connection, body: string, headers: Record<string, string>): unknown {
  if (!conn.secret) throw new Problem(401, 'webhook_signature_invalid', 'This connection takes no webhooks')
  try {
    return new Webhook(conn.secret).verify(body, headers)
  } catch (err) {
    if (err instanceof WebhookVerificationError || err instanceof Error)
      throw new Problem(401, 'webhook_signature_invalid', `Signature check failed: ${err.message}`)
    throw err
  }
}

/** A verified delivery as the conversation's input. */
export function deliveryToIncoming(conn: Connection, payload: unknown): Incoming {
  const body = parse(inboundSchema, payload)
  const text = body.text.trim()
  return {
    channel: conn.channel,
    sender: body.sender,
    subject: body.subject?.trim() || text.split('\n')[0].slice(0, 80) || '(no text)',
    text,
    externalId: body.messageId,
    conversationId: body.conversationId,
    attachments: body.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.content, 'base64'),
    })),
  }
}
