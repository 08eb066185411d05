import nodemailer from 'nodemailer'
import type { Delivery } from './worker.ts'

export interface MailPayload {
  from: string
  to: string
  subject: string
  text: string
  messageId: string
  inReplyTo?: string
  references?: string[]
}

/** Sends outbox mail through an SMTP relay (`smtp://user:pass@host:port`, or smtps://). */
export function mailSender(relay: string | null): (payload: MailPayload) => Promise<Delivery> {
  const transport = relay ? nodemailer.createTransport(relay) : null
  return async (m) => {
    if (!transport) return { ok: false, status: null, error: 'No SMTP relay is configured (--smtp-relay)' }
    try {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
        inReplyTo: m.inReplyTo,
        references: m.references,
      })
      return { ok: true, status: null }
    } catch (err) {
      const e = err as Error & { responseCode?: number }
      return { ok: false, status: e.responseCode ?? null, error: `The SMTP relay refused: ${e.message}` }
    }
  }
}
