import { createHash, createPublicKey, sign, verify } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keyFromPem, loadOrCreateKey, newKeyPem, publicKeyFrom } from '../../server/ledger/keys.ts'

const dir = () => mkdtempSync(join(tmpdir(), 'sopflow-keys-'))
const raw = (publicKeyBase64: string) => Buffer.from(publicKeyBase64, 'base64')

describe('the ledger key', () => {
  it('names itself: the 32 public-key bytes in base64, their SHA-256 as key id, and the SPKI PEM', () => {
    const k = keyFromPem(newKeyPem())
    expect(k.privateKey.asymmetricKeyType).toBe('ed25519')
    expect(k.publicKey.type).toBe('public')
    expect(raw(k.publicKeyBase64)).toHaveLength(32)
    expect(k.publicKeyBase64).toBe(
      Buffer.from(k.publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64'),
    )
    expect(k.keyId).toBe(createHash('sha256').update(raw(k.publicKeyBase64)).digest('hex'))
    expect(k.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    expect(createPublicKey(k.publicKeyPem).equals(k.publicKey)).toBe(true)
    const signature = sign(null, Buffer.from('head'), k.privateKey)
    expect(verify(null, Buffer.from('head'), k.publicKey, signature)).toBe(true)
  })

  it('is a new PKCS #8 PEM key each time one is made', () => {
    const a = newKeyPem()
    expect(a).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    expect(keyFromPem(a).keyId).not.toBe(keyFromPem(newKeyPem()).keyId)
  })

  it('without a file, is a key for this process only, new at each load', () => {
    const a = loadOrCreateKey(null)
    expect(a.privateKey.asymmetricKeyType).toBe('ed25519')
    expect(a.keyId).not.toBe(loadOrCreateKey(null).keyId)
  })

  it('is created at the first start in its file (made with its folders, owner-only), and read from it after', () => {
    const file = join(dir(), 'deep', 'er', 'ledger.pem')
    const first = loadOrCreateKey(file)
    expect(existsSync(file)).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(keyFromPem(readFileSync(file, 'utf8')).keyId).toBe(first.keyId)
    expect(loadOrCreateKey(file).keyId).toBe(first.keyId)
  })

  it('is read from an existing file as it is, never replaced', () => {
    const file = join(dir(), 'ledger.pem')
    const pem = newKeyPem()
    writeFileSync(file, pem)
    expect(loadOrCreateKey(file).keyId).toBe(keyFromPem(pem).keyId)
    expect(readFileSync(file, 'utf8')).toBe(pem)
  })
})

describe('a public key given to check with', () => {
  it('is read from PEM text or from base64 of its 32 bytes, with surrounding space, to the same key id', () => {
    const k = keyFromPem(newKeyPem())
    for (const text of [
      k.publicKeyPem,
      `\n  ${k.publicKeyPem}\n\n`,
      k.publicKeyBase64,
      ` ${k.publicKeyBase64}\n`,
    ]) {
      const got = publicKeyFrom(text)
      expect(got.keyId).toBe(k.keyId)
      expect(got.publicKey.equals(k.publicKey)).toBe(true)
    }
  })

  it('refuses text that is neither', () => {
    expect(() => publicKeyFrom('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')).toThrow()
    expect(() => publicKeyFrom('c2hvcnQ=')).toThrow()
  })
})
