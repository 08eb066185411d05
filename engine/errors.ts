import type { Diagnostic } from './validate.ts'

export type SopErrorCode = 'invalid_document' | 'unknown_step' | 'unknown_transition' | 'sop_mismatch'

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
