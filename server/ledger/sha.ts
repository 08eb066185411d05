import { hash } from 'node:crypto'

/** Node's native SHA-256 over bytes, for the engine's Merkle functions. */
export function sha256Bytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha256', data, 'buffer'))
}
