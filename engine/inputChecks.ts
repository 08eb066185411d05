import { qualifies } from './actionTransitions.ts'
import type { CompiledSop } from './compile.ts'
import type { Step } from './document.ts'
import type { Actor, Decision, FieldValue, Rejection, TicketInput, TicketState } from './types.ts'
import { valueFitsType } from './validate.ts'

/**
 * Step roles bind updates as they bind actions: a step's checklist is ticked only by its roles, and
 * fields are written only by a role allowed in one of the current steps (any role when a current
 * step names none).
 */
export function checkUpdateRoles(
  sop: CompiledSop,
  state: TicketState,
  input: Extract<TicketInput, { kind: 'update' }>,
  actor: Actor,
): Decision | null {
  for (const stepId of Object.keys(input.ticks ?? {})) {
    // Stryker disable next-line OptionalChaining,ArrayDeclaration: checkTicks has refused ticks of a step that is not current
    const roles = sop.steps.get(stepId)?.roles ?? []
    if (roles.length && !qualifies(roles, actor)) {
      return reject({
        code: 'role_not_permitted',
        message: `Role "${actor.role}" may not tick the checklist of step "${stepId}"; it needs: ${roles.join(', ')}`,
        stepId,
        roles: [...roles],
      })
    }
  }
  const names = Object.keys(input.fields ?? {})
  if (!names.length) return null
  const steps = Object.keys(state.active)
    .map((id) => sop.steps.get(id))
    .filter((s): s is Step => !!s && s.kind !== 'group' && s.kind !== 'parallel')
  if (!steps.length || steps.some((s) => !s.roles.length || qualifies(s.roles, actor))) return null
  const roles = [...new Set(steps.flatMap((s) => s.roles))]
  return reject({
    code: 'role_not_permitted',
    message: `Role "${actor.role}" may not write fields in step "${steps[0].id}"; it needs: ${roles.join(', ')}`,
    stepId: steps[0].id,
    roles,
    fields: names.map((field) => ({ field, message: 'not writable by this role in the current step' })),
  })
}

export function isEmpty(v: FieldValue | undefined): boolean {
  return v === undefined || v === null || v === ''
}

export function checkFields(sop: CompiledSop, fields: Record<string, unknown>): Decision | null {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
    return reject({ code: 'invalid_input', message: 'Field values must be an object of field name to value' })
  }
  const unknown = Object.keys(fields).filter((k) => !sop.fields.has(k))
  if (unknown.length) {
    return reject({
      code: 'unknown_field',
      message: `Not a field of this SOP: ${unknown.join(', ')}`,
      fields: unknown.map((field) => ({ field, message: 'not a field of this SOP' })),
    })
  }
  const wrong: { field: string; message: string }[] = []
  for (const [name, value] of Object.entries(fields)) {
    const f = sop.fields.get(name)!
    if (!valueFitsType(f, value)) {
      const expected =
        f.type === 'choice'
          ? // Stryker disable next-line ArrayDeclaration: compile refuses a choice field without options
            `one of ${(f.options ?? []).map((o) => o.value).join(', ')}`
          : `a ${f.type === 'longtext' ? 'text' : f.type}`
      wrong.push({ field: name, message: `${f.label} must be ${expected}` })
    }
  }
  if (wrong.length) {
    return reject({
      code: 'invalid_field_value',
      message: wrong.map((w) => w.message).join('; '),
      fields: wrong,
    })
  }
  return null
}

export function checkTicks(
  sop: CompiledSop,
  state: TicketState,
  ticks: Record<string, unknown>,
): Decision | null {
  for (const [stepId, items] of Object.entries(ticks ?? {})) {
    const step: Step | undefined = sop.steps.get(stepId)
    if (!step || !state.active[stepId]) {
      return reject({
        code: 'invalid_input',
        message: `Checklist ticks for "${stepId}", which is not a current step`,
        stepId,
      })
    }
    if (!Array.isArray(items))
      return reject({
        code: 'invalid_input',
        message: `Checklist ticks for "${stepId}" must be a list`,
        stepId,
      })
    const unknown = items.filter((i) => !step.checklist.some((c) => c.id === i))
    if (unknown.length) {
      return reject({
        code: 'invalid_input',
        message: `Step "${stepId}" has no checklist item ${unknown.join(', ')}`,
        stepId,
        missing: unknown.map(String),
      })
    }
  }
  return null
}

export function reject(rejection: Rejection): Decision {
  return { ok: false, rejection }
}
