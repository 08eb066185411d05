/**
 * Every diagnostic the validator can report, with the variants of its wording. A diagnostic
 * carries ids (step, transition, field names) in `params`, never titles: a reader's app looks the
 * titles up in the document and words the diagnostic in the reader's language.
 */
export const DIAGNOSTIC_CODES = {
  // The document's shape (one per broken value, on its step, transition or SOP field).
  invalid_document: [],
  unsupported_schema: [],
  missing_value: [],
  invalid_id: [],
  invalid_name: [],
  invalid_duration: [],
  invalid_option: [],
  invalid_value: [],
  // Ids, fields and the glossary.
  duplicate_id: ['transition', 'checklist', 'template'],
  duplicate_field: [],
  choice_without_options: [],
  duplicate_term: [],
  // Hierarchy.
  unknown_parent: [],
  parent_not_container: [],
  region_not_group: [],
  parent_cycle: [],
  missing_initial: ['nested', 'group', 'group_foreign'],
  empty_container: [],
  parallel_single_region: [],
  initial_ignored: [],
  end_without_outcome: [],
  unknown_field: ['effect'],
  // SLA.
  unknown_target: ['escalation', 'reopen', 'template'],
  escalation_without_owner: [],
  sla_without_owner: [],
  business_time_without_calendar: ['delay'],
  policy_channel_without_field: [],
  // Transitions and guards.
  unknown_source: [],
  trigger_conflict: [],
  end_has_transition: [],
  missing_trigger: [],
  decision_trigger: [],
  guard_invalid: ['empty'],
  guard_unknown_field: [],
  guard_unknown_option: [],
  guard_field_never_set: [],
  effect_type: [],
  // Ways out and reachability.
  dead_end: ['decision', 'container'],
  decision_no_default: [],
  decision_multiple_defaults: [],
  wait_without_timeout: [],
  completion_unreachable: [],
  unreachable_step: [],
  // Reply templates.
  template_placeholder: ['placeholder', 'filter', 'tag'],
} as const satisfies Record<string, readonly string[]>

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES
export type DiagnosticVariant<C extends DiagnosticCode> = (typeof DIAGNOSTIC_CODES)[C][number]

/**
 * What `params` of a diagnostic may hold. Ids are ids: `step`, `target`, `parent` and `initial`
 * name steps, `transition` a transition, `field` a ticket field; the rest are values.
 */
export interface DiagnosticParams {
  step?: string
  target?: string
  parent?: string
  initial?: string
  transition?: string
  /** A team id (the team responsible for a step). */
  team?: string
  field?: string
  /** Offending value, as written (an option, a duration, an id). */
  value?: string
  /** The allowed values, comma separated. */
  allowed?: string
  kind?: string
  count?: number
  item?: string
  term?: string
  guard?: string
  /** A detail from a library (a CEL type error), in English. */
  detail?: string
}

export interface Diagnostic {
  /** Stable code, e.g. `unknown_target`, `dead_end`, `invalid_duration`. */
  code: DiagnosticCode
  /** Which wording of the code applies (e.g. `missing_initial` of a group). */
  variant?: string
  severity: 'error' | 'warning'
  /** The problem in English, with ids. */
  message: string
  stepId?: string
  transitionId?: string
  /**
   * The property of the step, transition or SOP the problem is in (`sla.due`, `guard`, `title`).
   */
  property?: string
  /** JSON path of the offending value, for problems of the document's shape (e.g. `steps.2.kind`). */
  path?: string
  params: DiagnosticParams
}

/** Collects diagnostics; `code` and `variant` are checked against `DIAGNOSTIC_CODES`. */
export class Diagnostics {
  readonly list: Diagnostic[] = []

  error<C extends DiagnosticCode>(code: C, message: string, extra: Extra<C> = {}): void {
    this.add('error', code, message, extra)
  }

  warn<C extends DiagnosticCode>(code: C, message: string, extra: Extra<C> = {}): void {
    this.add('warning', code, message, extra)
  }

  private add<C extends DiagnosticCode>(
    severity: 'error' | 'warning',
    code: C,
    message: string,
    { params = {}, ...rest }: Extra<C>,
  ): void {
    const ids: DiagnosticParams = {}
    if (rest.stepId) ids.step = rest.stepId
    if (rest.transitionId) ids.transition = rest.transitionId
    const d: Diagnostic = { code, severity, message, ...rest, params: { ...ids, ...params } }
    this.list.push(d)
  }
}

export type Extra<C extends DiagnosticCode> = {
  variant?: DiagnosticVariant<C>
  stepId?: string
  transitionId?: string
  property?: string
  path?: string
  params?: DiagnosticParams
}
