import { type Algorithm, hash, verify } from '@node-rs/argon2'
import { Problem } from '../http/problem.ts'

/** argon2id with the library's recommended cost (19 MiB, 2 passes). */
// Stryker disable next-line ObjectLiteral: these are also the library's defaults; stated so that an upgrade cannot lower them
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 }

export const MIN_PASSWORD_LENGTH = 10

/** Hashes a password with argon2id; the PHC string (`$argon2id$…`) is what is stored. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

/** A hash of no one's password: checked against when the account does not exist, so that the
 * answer takes as long as for an account that does. */
let dummy: Promise<string> | null = null

/** Whether `password` matches `stored`; with no stored hash, a dummy hash is checked and false returned. */
export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Stryker disable next-line StringLiteral: the dummy check only spends the time; the answer is false whatever it hashes
    dummy ??= hashPassword('no such account: the time is spent all the same')
    // Stryker disable next-line ArrowFunction,BooleanLiteral: as above, its outcome is not used
    await verify(await dummy, password).catch(() => false)
    return false
  }
  return verify(stored, password).catch(() => false)
}

const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  '0123456789',
  'qwertyuiop',
  'iloveyou12',
  'administrator',
  'sopflow123',
  'changeme123',
  'letmein1234',
])

/** Refuses a password that is too short or too easy to guess, naming why. */
// Stryker disable next-line ArrayDeclaration: a stand-in default only refuses passwords holding its own text
export function checkStrength(password: string, personal: (string | null)[] = []): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new Problem(
      400,
      'password_weak',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      {
        params: { reason: 'short', min: MIN_PASSWORD_LENGTH },
      },
    )
  if (password.length > 1000)
    throw new Problem(400, 'password_weak', 'The password must have at most 1000 characters', {
      params: { reason: 'long', min: MIN_PASSWORD_LENGTH },
    })
  const lower = password.toLowerCase()
  const same = new Set(lower).size <= 2
  const mine = personal.some((p) => p && p.trim().length >= 3 && lower.includes(p.trim().toLowerCase()))
  if (same || COMMON.has(lower) || mine)
    throw new Problem(400, 'password_weak', 'The password is too easy to guess; choose another', {
      params: { reason: 'guessable', min: MIN_PASSWORD_LENGTH },
    })
}
