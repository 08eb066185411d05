import type { z } from 'zod'
import type { DiagnosticCode, Diagnostics } from './diagnostics.ts'
import {
  SOP_SCHEMA_ID,
  type SopDocument,
  sopDocumentSchema,
  stepSchema,
  ticketFieldSchema,
  transitionSchema,
} from './document.ts'

/** Ids and names of parts dropped from the semantic checks because they could not be read. */
export interface Broken {
  steps: Set<string>
  transitions: Set<string>
  fields: Set<string>
  /** Where transitions left out lead, when their ends can be read. */
  edges: { from: string; to: string }[]
}

export interface SchemaPass {
  /** The document with defaults applied, when it matched the schema as a whole. */
  document: SopDocument | null
  /**
   * The document the semantic checks run on: the readable parts, each broken value left out (or
   * its part dropped when it cannot stand without it). Null when the input is not a document.
   */
  checkable: SopDocument | null
  broken: Broken
}

type Obj = Record<string, unknown>
type Issue = z.core.$ZodIssue
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)

/** Properties a part cannot be read without. */
const REQUIRED = {
  steps: new Set(['id', 'kind']),
  transitions: new Set(['id', 'from', 'to']),
  fields: new Set(['name', 'type']),
} as const

/**
 * Checks the document's shape. Each problem is reported on its step, transition or field, with a
 * code; the parts that can still be read go on to the semantic checks.
 */
export function checkSchema(input: unknown, out: Diagnostics): SchemaPass {
  // Stryker disable next-line ArrayDeclaration: a stray edge leaves from no step
  const broken: Broken = { steps: new Set(), transitions: new Set(), fields: new Set(), edges: [] }
  if (!isObj(input)) {
    out.error('invalid_document', 'The SOP document must be a JSON object', { path: '' })
    return { document: null, checkable: null, broken }
  }
  const parsed = sopDocumentSchema.safeParse(input)
  if (parsed.success) return { document: parsed.data, checkable: parsed.data, broken }
  for (const issue of parsed.error.issues) report(input, issue, out)

  const doc: Obj = { ...input }
  for (const issue of parsed.error.issues) {
    const [key] = issue.path
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral,EqualityOperator: the three lists are read again just below, whatever is done with them here
    if (key === 'steps' || key === 'transitions' || key === 'fields') continue
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a property of the document is named by a string
    if (typeof key !== 'string') continue
    if (key === 'schema') doc.schema = SOP_SCHEMA_ID
    else if (key === 'title' || key === 'department' || key === 'purpose' || key === 'id') doc[key] = 'x'
    // Stryker disable next-line ConditionalExpression,StringLiteral,EqualityOperator: an initial step that failed the schema fails the lenient reading below whatever it is set to
    else if (key === 'initial') doc.initial = typeof input.initial === 'string' ? input.initial : ''
    else delete doc[key]
  }
  doc.steps = readable('steps', input.steps, stepSchema, broken.steps)
  doc.transitions = readable('transitions', input.transitions, transitionSchema, broken.transitions)
  if (Array.isArray(input.transitions)) {
    // Stryker disable next-line ArrowFunction: an edge of a transition kept is followed through the transition anyway
    const kept = new Set((doc.transitions as Obj[]).map((t) => t.id))
    for (const t of input.transitions as unknown[]) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator: an edge of a transition kept is followed through the transition anyway, and one from or to no step id leads nowhere
      if (isObj(t) && !kept.has(t.id) && typeof t.from === 'string' && typeof t.to === 'string')
        broken.edges.push({ from: t.from, to: t.to })
    }
  }
  doc.fields = readable('fields', input.fields, ticketFieldSchema, broken.fields)
  const lenient = sopDocumentSchema.safeParse(doc)
  // Stryker disable next-line ConditionalExpression: a failed lenient reading has no data, so nothing is checked either way
  if (lenient.success) return { document: null, checkable: lenient.data, broken }
  // No step could be read: nothing to check beyond the shape.
  return { document: null, checkable: null, broken }
}

/** The parts of a list that can be read, each without its broken properties. */
function readable(
  list: keyof typeof REQUIRED,
  items: unknown,
  schema: z.ZodType,
  broken: Set<string>,
): unknown[] {
  if (!Array.isArray(items)) return []
  const out: unknown[] = []
  for (const item of items) {
    if (!isObj(item)) continue
    const ok = schema.safeParse(item)
    if (ok.success) {
      out.push(item)
      continue
    }
    const name = item[list === 'fields' ? 'name' : 'id']
    const copy: Obj = { ...item }
    let fatal = false
    for (const issue of ok.error.issues) {
      const key = String(issue.path[0] ?? '')
      // Stryker disable next-line ConditionalExpression,LogicalOperator,BooleanLiteral: a part kept without a property it needs fails the second reading below all the same
      if (REQUIRED[list].has(key) || !key) fatal = true
      else if (key === 'title' || key === 'label') copy[key] = typeof name === 'string' ? name : key
      else delete copy[key]
    }
    if (!fatal && schema.safeParse(copy).success) out.push(copy)
    // Stryker disable next-line ConditionalExpression: no part is named by anything but a string, so a stray name matches none
    else if (typeof name === 'string') broken.add(name)
  }
  return out
}

/** One schema issue as a diagnostic on the part it belongs to. */
function report(input: Obj, issue: Issue, out: Diagnostics): void {
  const path = issue.path.map(String)
  const [list, index, ...rest] = issue.path
  const value = valueAt(input, issue.path)
  const key = String(issue.path.at(-1) ?? '')
  const code = codeOf(issue, key, value)
  const where = path.join('.') || 'document'
  const params: Record<string, string> = {}
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    params.value = String(value)
  }
  if (issue.code === 'invalid_value' && issue.values.length) params.allowed = issue.values.join(', ')
  const extra: Parameters<Diagnostics['error']>[2] = { path: path.join('.'), params }
  // Stryker disable next-line ConditionalExpression,OptionalChaining: a property of the document has no index, and an index is only given into a list
  const item = typeof index === 'number' ? (input[String(list)] as unknown[] | undefined)?.[index] : undefined
  // Stryker disable next-line ConditionalExpression: without an index there is no item
  if (typeof index === 'number' && isObj(item)) {
    const id = item.id
    if (list === 'steps' && typeof id === 'string') extra.stepId = id
    if (list === 'transitions' && typeof id === 'string') extra.transitionId = id
    if (list === 'fields' && typeof item.name === 'string') params.field = item.name
    extra.property = rest.map(String).join('.') || String(list)
  } else {
    extra.property = path.join('.')
  }
  out.error(code, `${where}: ${issue.message}`, extra)
}

function codeOf(issue: Issue, key: string, value: unknown): DiagnosticCode {
  // Stryker disable next-line ConditionalExpression: no part of a document but the document has a schema property
  if (key === 'schema' && issue.path.length === 1) return 'unsupported_schema'
  if (value === undefined || value === null || value === '') return 'missing_value'
  if (issue.code === 'too_small') return 'missing_value'
  if (key === 'due' || key === 'after') return 'invalid_duration'
  if (issue.code === 'invalid_value') return 'invalid_option'
  if (issue.code === 'invalid_format' || issue.code === 'too_big') {
    return key === 'name' || key === 'action' ? 'invalid_name' : 'invalid_id'
  }
  return 'invalid_value'
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input
  for (const k of path) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the schema reports a problem at a null or a primitive, never below one
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}
