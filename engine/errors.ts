import type { Diagnostic } from './validate.ts'

/** Every code a `SopError` carries. */
export const SOP_ERROR_CODES = [
  'invalid_document',
  'unknown_step',
  'unknown_transition',
  'sop_mismatch',
  'missing_calendar',
] as const
export type SopErrorCode = (typeof SOP_ERROR_CODES)[number]

/** A typed engine error: a stable code, the offending id, and for documents their diagnostics. */
export class SopError extends Error {
  override readonly name = 'SopError'
  readonly code: SopErrorCode
  readonly id: string | null
  readonly diagnostics: Diagnostic[]

  constructor(
    code: SopErrorCode,
    message: string,
    options: { id?: string | null; diagnostics?: Diagnostic[] } = {},
  ) {
    super(message)
    this.code = code
    this.id = options.id ?? null
    this.diagnostics = options.diagnostics ?? []
  }
}
