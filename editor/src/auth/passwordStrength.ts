/** The server's minimum (server/auth/passwords.ts); it refuses anything shorter. */
export const MIN_PASSWORD_LENGTH = 10

export type Strength = 'short' | 'weak' | 'fair' | 'strong'

/**
 * A quick estimate for the feedback beside the field: length counts most, then the kinds of
 * characters; the same character over and over counts as one. The server has the last word.
 */
export function passwordStrength(password: string): Strength {
  if (password.length < MIN_PASSWORD_LENGTH) return 'short'
  const distinct = new Set(password.toLowerCase()).size
  if (distinct <= 2) return 'weak'
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length
  const points = (password.length >= 14 ? 2 : password.length >= 12 ? 1 : 0) + kinds + (distinct >= 8 ? 1 : 0)
  return points >= 5 ? 'strong' : points >= 3 ? 'fair' : 'weak'
}
