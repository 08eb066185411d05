import { type AddressObject, type HeaderValue, simpleParser } from 'mailparser'
import type { Incoming } from './messages.ts'

/** The envelope of a delivery: who the SMTP client says it is from (empty for a bounce). */
export interface Envelope {
  mailFrom: string | null
}

const AUTOMATED_SENDER = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@/i

/** Whether headers mark a mail as automatic: an auto-reply, a bounce, bulk or list mail. */
export function isAutomatic(
  headers: Map<string, HeaderValue>,
  from: string | null,
  envelope: Envelope,
): string | null {
  const text = (name: string) => {
    const v = headers.get(name)
    if (v === undefined) return null
    if (typeof v === 'string') return v.toLowerCase()
    if (typeof v === 'object' && v && 'value' in v)
      return String((v as { value: unknown }).value).toLowerCase()
    return String(v).toLowerCase()
  }
  const auto = text('auto-submitted')
  if (auto && auto !== 'no') return `Auto-Submitted: ${auto}`
  const precedence = text('precedence')
  if (precedence && /^(bulk|auto_reply|junk|list)$/.test(precedence)) return `Precedence: ${precedence}`
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return 'X-Autoreply'
  if (text('x-auto-response-suppress') === 'all' && headers.has('x-ms-exchange-generated-message-source'))
    return 'Exchange auto-response'
  if (envelope.mailFrom === '' || envelope.mailFrom === '<>') return 'null sender'
  if (from && AUTOMATED_SENDER.test(from)) return `sender ${from}`
  const type = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined
  if (type?.value === 'multipart/report') return 'delivery report'
  return null
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): {
  address: string | null
  name: string | null
} {
  const list = Array.isArray(a) ? a : a ? [a] : []
  for (const group of list)
    for (const v of group.value)
      if (v.address) return { address: v.address.toLowerCase(), name: v.name || null }
  return { address: null, name: null }
}

/** A raw RFC 5322 message as the conversation's input. A message it cannot read is kept raw. */
export async function mailToIncoming(raw: Buffer, envelope: Envelope): Promise<Incoming> {
  let mail: Awaited<ReturnType<typeof simpleParser>>
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true })
  } catch {
    return malformed(raw, envelope)
  }
  const from = firstAddress(mail.from)
  const sender = from.address ?? (envelope.mailFrom || null)
  if (!sender?.includes('@')) return malformed(raw, envelope)
  const refs = [
    ...(mail.inReplyTo ? [mail.inReplyTo] : []),
    ...(Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []),
  ]
  const automatic = isAutomatic(mail.headers, from.address, envelope)
  return {
    channel: 'email',
    sender: { email: sender, name: from.name },
    subject: mail.subject ?? '',
    text: (mail.text ?? '').trim(),
    html: typeof mail.html === 'string' ? mail.html : null,
    externalId: mail.messageId ?? null,
    refs: [...new Set(refs.map((r) => r.trim()).filter(Boolean))],
    noise: automatic !== null,
    attachments: mail.attachments
      .filter((a) => a.contentDisposition !== 'inline' || a.filename)
      .map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  }
}

function malformed(raw: Buffer, envelope: Envelope): Incoming {
  return {
    channel: 'email',
    sender: { email: envelope.mailFrom || 'unknown' },
    subject: '(unreadable message)',
    text: '',
    raw,
  }
}
