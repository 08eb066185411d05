import { hash, randomBytes, randomUUID } from 'node:crypto'
import { canonicalJson } from '../../engine/index.ts'

/** Node's native SHA-256 (hex): the engine is given it for record hashes. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex')
}

/** The audit chain link hash, as the engine's `chainHash` defines it. */
export function linkHash(prevHash: string | null, entry: unknown): string {
  return sha256(`${prevHash ?? ''}\n${canonicalJson(entry)}`)
}

/** A new API token: shown once, stored only as its hash. */
export function newToken(): string {
  return `sf_${randomBytes(24).toString('base64url')}`
}

export function tokenHash(token: string): string {
  return sha256(`sopflow-token:${token}`)
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`
}
