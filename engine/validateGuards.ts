import { type ASTNode, parse } from '@marcbachmann/cel-js'
import type { Diagnostics } from './diagnostics.ts'
import type { SopDocument, TicketField, Transition } from './document.ts'
import { GuardEnvironment } from './guard.ts'

/** Field names a CEL guard reads as `ticket.<name>`. */
export function referencedFields(guard: string): string[] {
  const names = new Set<string>()
  for (const m of guard
    // Stryker disable next-line StringLiteral: a literal emptied to nothing leaves no field name behind either
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .matchAll(/\bticket\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    names.add(m[1])
  }
  return [...names]
}

/** `ticket.<name>` when the node reads a ticket field. */
function fieldOf(node: ASTNode): string | null {
  if (node.op !== '.') return null
  const [object, name] = node.args
  return object.op === 'id' && object.args === 'ticket' ? name : null
}

/** Literal string values a guard compares each field with (`==`, `!=`, `in [...]`). */
export function comparedValues(guard: string): { field: string; value: string }[] {
  let root: ASTNode
  try {
    root = parse(guard).ast
  } catch {
    return []
  }
  const out: { field: string; value: string }[] = []
  const visit = (node: ASTNode): void => {
    if (node.op === '==' || node.op === '!=') {
      const [a, b] = node.args
      for (const [f, v] of [
        [a, b],
        [b, a],
      ]) {
        const field = fieldOf(f)
        if (field && v.op === 'value' && typeof v.args === 'string') out.push({ field, value: v.args })
      }
    }
    if (node.op === 'in') {
      const [a, b] = node.args
      const field = fieldOf(a)
      if (field && b.op === 'list') {
        for (const v of b.args)
          if (v.op === 'value' && typeof v.args === 'string') out.push({ field, value: v.args })
      }
    }
    const args = node.args as unknown
    if (Array.isArray(args)) {
      for (const x of args.flat()) if (x && typeof x === 'object' && 'op' in x) visit(x as ASTNode)
    }
  }
  visit(root)
  return out
}

/**
 * Ticket fields an agent or the SOP can give a value: the fields some step asks for before it is
 * left, the fields an effect sets, and the fields bound to a customer or intake value (filled
 * when the ticket is opened).
 */
export function collectedFields(doc: SopDocument): Set<string> {
  const names = new Set<string>()
  for (const s of doc.steps) for (const f of s.requiredFields) names.add(f)
  for (const t of doc.transitions) for (const e of t.effects) if (e.type === 'set') names.add(e.field)
  for (const f of doc.fields) if (f.bind) names.add(f.name)
  return names
}

/** The guard checks of every transition: syntax and types, fields, choice options, reachable values. */
export function checkGuards(doc: SopDocument, brokenFields: Set<string>, out: Diagnostics): void {
  const env = new GuardEnvironment(doc.fields)
  const fields = new Map<string, TicketField>(doc.fields.map((f) => [f.name, f]))
  const collected = collectedFields(doc)
  for (const t of doc.transitions) if (t.guard !== undefined) checkGuard(t, t.guard)

  function checkGuard(t: Transition, guard: string): void {
    const ids = { transitionId: t.id, property: 'guard', params: { guard } }
    if (!guard.trim()) {
      out.error('guard_invalid', `Transition "${t.id}" has an empty guard`, { ...ids, variant: 'empty' })
      return
    }
    const names = referencedFields(guard)
    const unknown = names.filter((n) => !fields.has(n))
    for (const name of unknown) {
      if (brokenFields.has(name)) continue
      out.error(
        'guard_unknown_field',
        `Guard of "${t.id}" uses ticket.${name}, which is not a ticket field`,
        {
          ...ids,
          params: { guard, field: name },
        },
      )
    }
    if (unknown.length) return
    const check = env.check(guard)
    if (!check.ok) {
      out.error('guard_invalid', `Guard of "${t.id}" (${guard}): ${check.message}`, {
        ...ids,
        params: { guard, detail: check.message },
      })
      return
    }
    for (const { field, value } of comparedValues(guard)) {
      const f = fields.get(field)
      // Stryker disable next-line OptionalChaining: unknown fields returned above, so f is a field
      if (f?.type !== 'choice' || !f.options?.length) continue
      if (f.options.some((o) => o.value === value)) continue
      const allowed = f.options.map((o) => o.value).join(', ')
      out.error(
        'guard_unknown_option',
        `Guard of "${t.id}" compares choice field "${field}" with "${value}", which is not one of its options (${allowed})`,
        { ...ids, params: { guard, field, value, allowed } },
      )
    }
    for (const name of names) {
      if (collected.has(name)) continue
      out.warn(
        'guard_field_never_set',
        `Guard of "${t.id}" reads ticket.${name}, but no step asks for it and no effect sets it: the agent could never make it true`,
        { ...ids, params: { guard, field: name } },
      )
    }
  }
}
