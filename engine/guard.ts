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
    this.env = new Environment({ unlistedVariablesAreDyn: false }).registerVariable({
      name: 'ticket',
      schema,
    })
  }

  /** Parses and type-checks; a guard must be a boolean expression. */
  check(expression: string): GuardCheck {
    let result: { valid: boolean; type?: string; error?: { message?: string } }
    try {
      result = this.env.check(expression) as typeof result
    } catch (err) {
      return { ok: false, message: cleanMessage(err) }
    }
    if (!result.valid) return { ok: false, message: cleanMessage(result.error) }
    if (result.type !== 'bool' && result.type !== 'dyn') {
      return { ok: false, message: `must be a true/false condition, but gives ${result.type}` }
    }
    return { ok: true }
  }

  compile(expression: string): GuardFn {
    const program = this.env.parse(expression)
    return (fields) => {
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
  }
}

function cleanMessage(err: unknown): string {
  const text = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err)
  return text.split('\n')[0].trim()
}
