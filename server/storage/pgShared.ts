import type { Kysely } from 'kysely'
import { keyFromPem, type LedgerKey, newKeyPem } from '../ledger/keys.ts'

/**
 * What every server on one PostgreSQL database must agree on, kept in the database itself: the
 * ledger's signing key and the contents of attachments.
 */

/**
 * The installation's ledger signing key. The first server to start creates it; the insert is a
 * no-op for every later one (or a second racing the first), which then reads the key that won.
 */
export async function sharedLedgerKey(db: Kysely<any>, now: string): Promise<LedgerKey> {
  const candidate = keyFromPem(newKeyPem())
  await db
    .insertInto('ledger_signing_key')
    .values({
      id: 1,
      private_key_pem: candidate.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      key_id: candidate.keyId,
      created_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
  const row = await db
    .selectFrom('ledger_signing_key')
    .select(['private_key_pem', 'key_id'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  const key = keyFromPem(row.private_key_pem)
  if (key.keyId !== row.key_id)
    throw new Error(`The ledger signing key in the database does not match its key id ${row.key_id}`)
  return key
}

/** Attachment contents by SHA-256, in the database (content-addressed: one row per content). */
export class PgAttachmentContents {
  constructor(private readonly db: Kysely<any>) {}

  async put(sha256: string, content: Buffer): Promise<void> {
    await this.db
      .insertInto('attachment_contents')
      .values({ sha256, content, size: content.length })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute()
  }

  async get(sha256: string): Promise<Buffer | null> {
    const r = await this.db
      .selectFrom('attachment_contents')
      .select('content')
      .where('sha256', '=', sha256)
      .executeTakeFirst()
    return r ? Buffer.from(r.content as Uint8Array) : null
  }
}
