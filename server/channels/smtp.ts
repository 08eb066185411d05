import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import type { Storage } from '../storage/types.ts'
import { mailToIncoming } from './mailIn.ts'
import type { ConversationService } from './messages.ts'

export interface SmtpOptions {
  port: number
  host?: string
  /** PEM files: with both, clients may STARTTLS. */
  certFile?: string
  keyFile?: string
  /** Largest message accepted, in bytes (default 25 MiB): a larger one is refused with 552. */
  maxBytes?: number
  log?: (line: string) => void
}

type SmtpError = Error & { responseCode?: number }
const smtpError = (code: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode: code })

/**
 * The SMTP listener: mail to a mailbox connection's address opens or continues a ticket. `250` is
 * sent only once the message (and its new ticket) committed; an unknown recipient gets `550`, a
 * message over the size limit `552`.
 */
export async function startSmtp(storage: Storage, conversations: ConversationService, options: SmtpOptions) {
  const log = options.log ?? (() => {})
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024
  const tls = options.certFile && options.keyFile
  const server = new SMTPServer({
    name: 'sopflow',
    banner: 'sopflow ready',
    size: maxBytes,
    authOptional: true,
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls
      ? { key: readFileSync(options.keyFile as string), cert: readFileSync(options.certFile as string) }
      : {}),
    logger: false,
    onRcptTo(address, _session, callback) {
      storage.channels
        .connectionByAddress(address.address)
        .then((conn) => {
          if (conn?.kind !== 'email' || !conn.enabled)
            return callback(smtpError(550, `5.1.1 No mailbox here for <${address.address}>`))
          callback()
        })
        .catch((err) => callback(smtpError(451, `4.3.0 ${(err as Error).message}`)))
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 The message is larger than ${maxBytes} bytes`))
          return
        }
        deliver(Buffer.concat(chunks), session).then(
          (id) => callback(null, `2.0.0 Stored as ${id}`),
          (err) => {
            log(`smtp: ${(err as Error).message}`)
            callback(smtpError(451, '4.3.0 Not stored; try again later'))
          },
        )
      })
    },
  })
  const deliver = async (raw: Buffer, session: SMTPServerSession): Promise<string> => {
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
    let conn = null
    for (const r of session.envelope.rcptTo) {
      conn = await storage.channels.connectionByAddress(r.address)
      if (conn) break
    }
    if (!conn) throw new Error('no connection for any recipient')
    const incoming = await mailToIncoming(raw, { mailFrom })
    const r = await conversations.receive(conn, incoming)
    return r.messageId
  }
  server.on('error', (err) => log(`smtp: ${err.message}`))
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', fail)
      ok()
    })
  })
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
