import { type RawBuilder, sql } from 'kysely'

/**
 * The few places where the shared queries (./ticketQueries.ts, ./workQueueClauses.ts) differ
 * between SQLite and PostgreSQL: case-insensitive matching, JSON arrays stored as text, and a
 * column being one of a list of values bound as one parameter.
 */
export interface SqlDialect {
  /** `expr` matches the LIKE pattern, ignoring case (backslash escapes). */
  like(expr: RawBuilder<unknown>, pattern: string): RawBuilder<boolean>
  /** The elements of a JSON array stored as text, as a FROM item `alias` with a `value` column. */
  elements(json: RawBuilder<unknown>, alias: string): RawBuilder<unknown>
  /** The length of a JSON array stored as text. */
  length(json: RawBuilder<unknown>): RawBuilder<number>
  /** A top-level text member of a JSON object stored as text. */
  member(json: RawBuilder<unknown>, key: string): RawBuilder<string>
  /** `expr` is one of these values, bound as one parameter however many there are. */
  oneOf(expr: RawBuilder<unknown>, values: readonly string[]): RawBuilder<boolean>
  /** The column that keeps the order rows were inserted in (SQLite's rowid, PostgreSQL's identity). */
  inserted: string
}

export const sqliteDialect: SqlDialect = {
  // SQLite's LIKE ignores the case of ASCII letters already.
  like: (expr, pattern) => sql<boolean>`${expr} LIKE ${pattern} ESCAPE '\\'`,
  elements: (json, alias) => sql`json_each(${json}) AS ${sql.raw(alias)}`,
  length: (json) => sql<number>`json_array_length(${json})`,
  member: (json, key) => sql<string>`json_extract(${json}, ${`$.${key}`})`,
  oneOf: (expr, values) => sql<boolean>`${expr} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  inserted: 'rowid',
}

export const postgresDialect: SqlDialect = {
  like: (expr, pattern) => sql<boolean>`${expr} ILIKE ${pattern} ESCAPE '\\'`,
  elements: (json, alias) => sql`jsonb_array_elements_text(${json}::jsonb) AS ${sql.raw(alias)}(value)`,
  length: (json) => sql<number>`jsonb_array_length(${json}::jsonb)`,
  member: (json, key) => sql<string>`(${json}::jsonb ->> ${key})`,
  oneOf: (expr, values) => sql<boolean>`${expr} = ANY(${[...values]}::text[])`,
  inserted: 'pos',
}

/** `%text%` for a LIKE pattern, with LIKE's own characters escaped by backslash. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`
