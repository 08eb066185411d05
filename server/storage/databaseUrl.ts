/**
 * What `--db` names: a file path (or nothing, or `:memory:`) is an embedded SQLite database; a
 * `postgres://` or `postgresql://` URL is a PostgreSQL server. Anything else that looks like a URL
 * is refused, rather than taken for a file path (`postgres:` would otherwise become a folder).
 */
export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError'
  readonly code = 'unknown_database_scheme'
  constructor(
    /** The `--db` value as given. */
    readonly value: string,
    readonly scheme: string,
  ) {
    super(
      `--db "${value}": sopflow does not know the database scheme "${scheme}:". Give a file path for SQLite, or postgres://user@host/database for PostgreSQL`,
    )
  }
}

const POSTGRES = new Set(['postgres', 'postgresql'])

export function databaseTarget(value: string): DatabaseTarget {
  // A scheme of two letters or more (one letter would be a Windows drive, `C:`).
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(value)?.[1]
  if (scheme === undefined) return { kind: 'sqlite', path: value }
  if (POSTGRES.has(scheme.toLowerCase())) return { kind: 'postgres', url: value }
  throw new DatabaseUrlError(value, scheme)
}
