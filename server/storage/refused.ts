/**
 * Why the database refused a unit of a commit that was not a conflict with a concurrent change:
 * `duplicate_message` (a channel message id or provider message id stored before),
 * `duplicate_number` (another server handed out the same ticket number first), or
 * `storage_error` (anything else the database refused).
 */
export type RefusalCode = 'duplicate_message' | 'duplicate_number' | 'storage_error'

const CODES = new Set<string>(['duplicate_message', 'duplicate_number'])

export class RefusedError extends Error {
  override readonly name = 'RefusedError'
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** The offending ids (the ticket of the unit). */
    readonly params?: Record<string, unknown>,
  ) {
    super(message)
  }
}

/**
 * The refusal a database error stands for. PostgreSQL names the violated constraint; SQLite names
 * the table and columns in its message. Both backends' schemas use the same index names.
 */
export function refusalCode(e: { constraint?: unknown; message: string }): RefusalCode {
  const where = typeof e.constraint === 'string' ? e.constraint : e.message
  if (/tickets_number|tickets\.number\b/.test(where)) return 'duplicate_number'
  if (/channel_messages_(external|pkey)|channel_messages\.(id|connection_id)\b/.test(where))
    return 'duplicate_message'
  return 'storage_error'
}

/** The error of a unit the database refused, naming the unit's ticket. */
export function refused(
  o: { code: string; message: string },
  unit: { ticket: { id: string } },
): RefusedError {
  const code = CODES.has(o.code) ? (o.code as RefusalCode) : refusalCode(o)
  return new RefusedError(code, o.message, { id: unit.ticket.id })
}

/** A message the database refused as stored before, as a `duplicate_message` refusal; other errors as they are. */
export function asRefusal(err: unknown, m: { id: string }): unknown {
  if (!(err instanceof Error)) return err
  return refusalCode(err) === 'duplicate_message'
    ? new RefusedError('duplicate_message', err.message, { id: m.id })
    : err
}
