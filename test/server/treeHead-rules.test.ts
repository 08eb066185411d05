import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  headJson,
  headSignatureValid,
  signedBytes,
  signHead,
  TREE_HEAD_FORMAT,
} from '../../server/ledger/treeHead.ts'

const unsigned = {
  size: 12,
  root: 'ab'.repeat(32),
  timestamp: '2026-03-02T08:00:00.000Z',
  keyId: 'cd'.repeat(32),
}
const { privateKey, publicKey } = generateKeyPairSync('ed25519')

describe('the bytes a tree head signs', () => {
  it('are the format, size, root, timestamp and key id on five lines, no final newline', () => {
    expect(TREE_HEAD_FORMAT).toBe('sopflow-tree-head/v1')
    expect(signedBytes(unsigned).toString('utf8')).toBe(
      `sopflow-tree-head/v1\n12\n${'ab'.repeat(32)}\n2026-03-02T08:00:00.000Z\n${'cd'.repeat(32)}`,
    )
  })

  it('are UTF-8', () => {
    const bytes = signedBytes({ ...unsigned, keyId: 'é' })
    expect([...bytes.subarray(bytes.length - 2)]).toEqual([0xc3, 0xa9])
  })
})

describe('signing and checking a tree head', () => {
  it('signs with Ed25519 over the signed bytes, base64, keeping every member', () => {
    const head = signHead(unsigned, privateKey)
    expect(head).toEqual({
      ...unsigned,
      signature: sign(null, signedBytes(unsigned), privateKey).toString('base64'),
    })
    expect(head.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/)
    expect(headSignatureValid(head, publicKey)).toBe(true)
  })

  it('refuses a head with any member changed after signing', () => {
    const head = signHead(unsigned, privateKey)
    for (const changed of [
      { ...head, size: 13 },
      { ...head, root: 'ac'.repeat(32) },
      { ...head, timestamp: '2026-03-02T08:00:01.000Z' },
      { ...head, keyId: 'ce'.repeat(32) },
    ])
      expect(headSignatureValid(changed, publicKey)).toBe(false)
  })

  it('refuses a signature by another key', () => {
    const other = generateKeyPairSync('ed25519')
    expect(headSignatureValid(signHead(unsigned, other.privateKey), publicKey)).toBe(false)
  })

  it('refuses a signature that is not 64 bytes in canonical base64, whatever it decodes to', () => {
    const head = signHead(unsigned, privateKey)
    const s = head.signature
    // The last character before the padding carries 4 unused bits: a non-zero one decodes to the same bytes.
    const last = s[85]
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    const sameBytes = alphabet[alphabet.indexOf(last) ^ 1]
    const nonCanonical = `${s.slice(0, 85)}${sameBytes}==`
    expect(Buffer.from(nonCanonical, 'base64').equals(Buffer.from(s, 'base64'))).toBe(true)
    for (const signature of [
      nonCanonical,
      s.replace(/==$/, ''),
      ` ${s}`,
      `${s} `,
      `${s}\n`,
      `${s.slice(0, 84)}==`,
      `${s.slice(0, 85)}-==`,
      Buffer.concat([Buffer.from(s, 'base64'), Buffer.from([0])]).toString('base64'),
      '',
    ])
      expect(headSignatureValid({ ...head, signature }, publicKey)).toBe(false)
  })

  it('answers false, never throws, for a key that cannot check Ed25519', () => {
    const head = signHead(unsigned, privateKey)
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey
    expect(headSignatureValid(head, rsa)).toBe(false)
  })
})

describe('a tree head as JSON', () => {
  it('has exactly the five members, in a fixed order', () => {
    const head = { ...signHead(unsigned, privateKey), extra: 'dropped' }
    const json = headJson(head)
    expect(Object.keys(json)).toEqual(['keyId', 'root', 'signature', 'size', 'timestamp'])
    expect(json).toEqual({
      keyId: head.keyId,
      root: head.root,
      signature: head.signature,
      size: head.size,
      timestamp: head.timestamp,
    })
  })
})
