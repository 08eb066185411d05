import { createPrivateKey, createPublicKey, generateKeyPairSync, hash, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The installation's Ed25519 signing key for tree heads, and how others name and check it. */
export interface LedgerKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** The 32 bytes of the public key, base64. */
  publicKeyBase64: string
  /** SHA-256 of the 32 public-key bytes, lowercase hex. */
  keyId: string
  publicKeyPem: string
}

function describe(privateKey: KeyObject): LedgerKey {
  const publicKey = createPublicKey(privateKey)
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url')
  return {
    privateKey,
    publicKey,
    publicKeyBase64: raw.toString('base64'),
    keyId: hash('sha256', raw, 'hex'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  }
}

/**
 * The key kept in `file` (PKCS #8 PEM, readable by the owner only), created there at the first
 * start. It lives outside the database: someone who can write the database cannot sign heads.
 * Without a file (an in-memory database), a key for this process only.
 */
export function loadOrCreateKey(file: string | null): LedgerKey {
  if (file && existsSync(file)) return describe(createPrivateKey(readFileSync(file, 'utf8')))
  const { privateKey } = generateKeyPairSync('ed25519')
  if (file) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, {
      mode: 0o600,
      flag: 'wx',
    })
    chmodSync(file, 0o600)
  }
  return describe(privateKey)
}

/** A key from its PKCS #8 PEM text. */
export function keyFromPem(pem: string): LedgerKey {
  return describe(createPrivateKey(pem))
}

/** A new key, as PKCS #8 PEM text. */
export function newKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
}

/** A public key given as a PEM file's text, or as base64 of its 32 bytes. */
export function publicKeyFrom(text: string): { publicKey: KeyObject; keyId: string } {
  const trimmed = text.trim()
  const key = trimmed.startsWith('-----BEGIN')
    ? createPublicKey(trimmed)
    : createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(trimmed, 'base64').toString('base64url') },
        format: 'jwk',
      })
  const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url')
  return { publicKey: key, keyId: hash('sha256', raw, 'hex') }
}
