import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { Problem } from './problem.ts'

/** The default largest request body, in bytes. */
export const DEFAULT_MAX_BODY = 1024 * 1024

/** The deepest nesting of arrays and objects accepted in a JSON body. */
export const MAX_JSON_DEPTH = 64

const tooLarge = (max: number) =>
  new Problem(413, 'body_too_large', `The request body is larger than ${max} bytes`, {
    params: { max },
    limit: max,
  })

const isIncoming = (value: unknown): value is IncomingMessage =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as IncomingMessage).on === 'function' &&
  typeof (value as IncomingMessage).pause === 'function'

/**
 * Reads a Node request body, stopping at `max` bytes: past the limit the remaining bytes are
 * never kept (the socket is paused and the server drains or closes it after the answer).
 */
function readIncoming(incoming: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (incoming.readableEnded) return resolve(Buffer.alloc(0))
    const chunks: Buffer[] = []
    let size = 0
    const done = (fn: () => void) => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
      fn()
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        chunks.length = 0
        incoming.pause()
        done(() => reject(tooLarge(max)))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => done(() => resolve(Buffer.concat(chunks, size)))
    const onError = (err: Error) => done(() => reject(err))
    const onClose = () =>
      done(() =>
        incoming.readableEnded
          ? resolve(Buffer.concat(chunks, size))
          : reject(new Problem(400, 'body_incomplete', 'The request body ended before it was complete')),
      )
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
    incoming.resume()
  })
}

/** Reads a web stream body (requests made without a socket), stopping at `max` bytes. */
async function readStream(stream: ReadableStream<Uint8Array>, max: number): Promise<Buffer> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge(max)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size)
}

/**
 * The request body as text, never holding more than the body limit in memory, whether the
 * client declared a Content-Length or streamed it in chunks. Over the limit is a 413.
 */
export async function readBodyText(c: Context): Promise<string> {
  const max = (c.get('maxBody') as number | undefined) ?? DEFAULT_MAX_BODY
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming
  if (isIncoming(incoming)) return (await readIncoming(incoming, max)).toString('utf8')
  const stream = c.req.raw.body
  if (!stream) return ''
  return (await readStream(stream, max)).toString('utf8')
}

/**
 * Checks that JSON text nests arrays and objects at most `max` levels deep, scanning it once
 * without recursion, so that a hostile document is refused before anything walks it.
 */
export function checkJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  let depth = 0
  let inString = false
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which is no bracket
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92 /* \ */) i++
      else if (ch === 34 /* " */) inString = false
    } else if (ch === 34) inString = true
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      depth++
      if (depth > max) {
        throw new Problem(
          400,
          'too_deeply_nested',
          `The request body nests objects and arrays more than ${max} levels deep`,
          { limit: max },
        )
      }
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) depth--
  }
}
