import { Environment } from '@marcbachmann/cel-js'
import type { FieldType, TicketField } from './document.ts'
import type { FieldValue } from './types.ts'

const CEL_TYPES: Record<FieldType, string> = {
  text: 'string',
  longtext: 'string',
  number: 'double',
  boolean: 'bool',
  choice: 'string',
  date: 'string',
  email: 'string',
  phone: 'string',
}

export type GuardCheck = { ok: true } | { ok: false; message: string }

/** A compiled CEL guard: evaluate it against ticket fields. */
export type GuardFn = (fields: Record<string, FieldValue>) => boolean

/**
 * CEL guards over a document's ticket fields, as `ticket.<name>`: type-checked against the
 * declared fields, evaluated without eval. A guard whose fields are not set is false.
 */
export class GuardEnvironment {
  private readonly env: Environment

  constructor(fields: readonly TicketField[]) {
    const schema: Record<string, string> = {}
    for (const f of fields) schema[f.name] = CEL_TYPES[f.type]
    // Stryker disable next-line ObjectLiteral: false is cel-js's default too; said here so that no update can change it unseen
    this.env = new Environment({ unlistedVariablesAreDyn: false }).registerVariable({
      name: 'ticket',
      schema,
    })
  }

  /** Parses and type-checks; a guard must be a boolean expression. */
  check(expression: string): GuardCheck {
    let result: { valid: boolean; type?: string; error?: { message?: string } }
    // Stryker disable all: cel-js reports every error it finds in its result; the catch only guards against a library throw
    try {
      result = this.env.check(expression) as typeof result
    } catch (err) {
      return { ok: false, message: cleanMessage(err) }
    }
    // Stryker restore all
    if (!result.valid) return { ok: false, message: cleanMessage(result.error) }
    if (result.type !== 'bool' && result.type !== 'dyn') {
      return { ok: false, message: `must be a true/false condition, but gives ${result.type}` }
    }
    return { ok: true }
  }

  compile(expression: string): GuardFn {
    const program = this.env.parse(expression)
    const evaluate: GuardFn = (fields) => {
      const ticket: Record<string, FieldValue> = {}
      for (const key in fields) {
        const v = fields[key]
        if (v !== null && v !== '') ticket[key] = v
      }
      try {
        return program({ ticket }) === true
      } catch {
        return false
      }
    }
    // Reading an unset field is an error in CEL, which the guard turns into false. Where that is
    // certain from the expression's shape, a missing field answers false without evaluating.
    const reads = strictReads(program.ast as unknown as Node)
    // Stryker disable all: the shortcut only skips an evaluation that answers false too (reading an unset field is an error, an error is false)
    if (!reads?.length) return evaluate
    return (fields) => {
      for (const name of reads) {
        const v = fields[name]
        if (v === undefined || v === null || v === '') return false
      }
      return evaluate(fields)
    }
  }
}

// Stryker restore all
/** The parts of cel-js's AST read here. */
type Node = { op: string; args: unknown }

/** Operators and functions under which an error need not make the whole guard fail. */
// Stryker disable next-line StringLiteral: optional access ('.?', '[?]') does not parse without cel-js's optional syntax, which is off; listed in case it is turned on
const ABSORBING = new Set(['||', '?:', '.?', '[?]'])
const ABSORBING_CALLS = new Set([
  'has',
  'exists',
  'exists_one',
  'all',
  'map',
  'filter',
  'or',
  'orValue',
  // Stryker disable next-line StringLiteral: `optional.of(…)` is a method of the optional namespace, never a call named optional; listed for safety
  'optional',
])

/**
 * The ticket fields a guard reads, when reading any of them unset makes the guard false for
 * certain: the guard is a conjunction (`a && b && …`) of parts in which no operator could absorb
 * an error (no `||`, no `?:`, no `&&` below a negation or comparison, no optional access, no
 * `has()` or macros). Null otherwise.
 */
export function strictReads(ast: Node): string[] | null {
  const reads = new Set<string>()
  // Stryker disable next-line ArrayDeclaration: a stray non-node part has no operator and no children, so it reads nothing and is strict
  const parts: Node[] = []
  const conjuncts = (n: Node) => {
    if (n.op === '&&') for (const a of n.args as Node[]) conjuncts(a)
    else parts.push(n)
  }
  conjuncts(ast)
  const strict = (n: Node): boolean => {
    if (ABSORBING.has(n.op) || n.op === '&&') return false
    // Stryker disable next-line ConditionalExpression: only a call's first argument is a function's name; no other node's first argument is a whole name in the set
    if ((n.op === 'call' || n.op === 'rcall') && ABSORBING_CALLS.has((n.args as [string])[0])) return false
    if (n.op === '.') {
      const [target, name] = n.args as [Node, string]
      if (target.op === 'id' && target.args === 'ticket') reads.add(name)
    }
    return children(n).every(strict)
  }
  return parts.every(strict) ? [...reads] : null
}

function children(n: Node): Node[] {
  const out: Node[] = []
  const add = (x: unknown) => {
    if (Array.isArray(x)) for (const y of x) add(y)
    else if (x && typeof x === 'object' && 'op' in x) out.push(x as Node)
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: a literal's or a name's args hold no nodes, so looking into them finds none either
  if (n.op !== 'value' && n.op !== 'id') add(n.args)
  return out
}

function cleanMessage(err: unknown): string {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: cel-js errors are always objects with a message; String(err) is for a throw of anything else
  const text = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err)
  // Stryker disable next-line MethodExpression: cel-js's first lines carry no surrounding spaces; trim is for other messages
  return text.split('\n')[0].trim()
}
