import { RefusedError } from '../storage/refused.ts'

/** How many times a new ticket is numbered afresh before its creation is given up. */
export const NUMBER_ATTEMPTS = 8

/**
 * Creates a ticket, numbering it afresh when another server committed a ticket with the same
 * number first (the unique index refuses the second: `duplicate_number`). Each attempt takes a new
 * number and writes its whole commit again, as the number is part of the ticket's first record.
 */
export async function createWithFreshNumber<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      if (!(err instanceof RefusedError) || err.code !== 'duplicate_number' || n >= NUMBER_ATTEMPTS) throw err
    }
  }
}
