import type { z } from 'zod'

/** An operation of the OpenAPI document (see ./operations.ts for the list). */
export type Op = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  path: string
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodObject
  /** More about the operation than its roles (concurrency, conflicts). */
  notes?: string
  /** Answers beyond 200 and the generic 4XX problem. */
  responses?: Record<string, string>
}

/** One operation of a tag: method, path, summary, and what else it has (body, query, notes, responses). */
export type OpLine = [Op['method'], string, string, Omit<Op, 'method' | 'path' | 'summary' | 'tag'>?]

/** The operations of one tag, in the order given. */
export function tagged(tag: string, lines: readonly OpLine[]): Op[] {
  return lines.map(([method, path, summary, more]) => ({ method, path, summary, tag, ...more }))
}
