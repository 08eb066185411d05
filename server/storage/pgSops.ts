import type { Kysely } from 'kysely'
import { canonicalJson } from '../../engine/index.ts'
import { PgCalendars } from './pgOrganisation.ts'
import { draftMeta, toVersion } from './rows.ts'
import {
  ConflictError,
  type SopRecord,
  type SopSummaryRow,
  type SopVersion,
  type SopVersionMeta,
} from './types.ts'

/** SOPs, their drafts and their published (append-only) versions on PostgreSQL. */
export class PgSops {
  constructor(private readonly db: Kysely<any>) {}

  async createSop(sop: SopRecord): Promise<void> {
    const meta = draftMeta(sop.draft)
    await this.db
      .insertInto('sops')
      .values({
        id: sop.id,
        draft: JSON.stringify(sop.draft),
        ...meta,
        archived: sop.archived ? 1 : 0,
        created_at: sop.createdAt,
        updated_at: sop.updatedAt,
        created_by: sop.createdBy,
      })
      .execute()
  }

  async getSop(id: string): Promise<SopRecord | null> {
    const row = await this.db.selectFrom('sops').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return {
      id: row.id,
      draft: JSON.parse(row.draft),
      draftRevision: row.draft_revision,
      archived: row.archived === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      createdBy: row.created_by,
    }
  }

  async listSops(includeArchived: boolean): Promise<SopSummaryRow[]> {
    let q = this.db
      .selectFrom('sops as s')
      .select(['s.id', 's.title', 's.department', 's.language', 's.archived', 's.updated_at'])
      .select((e) =>
        e
          .selectFrom('sop_versions as v')
          .whereRef('v.sop_id', '=', 's.id')
          .select((v) => v.fn.max('v.version').as('m'))
          .as('latest'),
      )
      .orderBy('s.title')
    if (!includeArchived) q = q.where('s.archived', '=', 0)
    return (await q.execute()).map((r) => ({
      id: r.id,
      title: r.title,
      department: r.department,
      language: r.language,
      latestVersion: r.latest ?? null,
      archived: r.archived === 1,
      updatedAt: r.updated_at,
    }))
  }

  async saveDraft(
    id: string,
    draft: Record<string, unknown>,
    now: string,
    baseRevision?: number,
  ): Promise<number> {
    const meta = draftMeta(draft)
    // One statement compares and sets, so two saves on the same revision cannot both apply.
    let q = this.db
      .updateTable('sops')
      .set((e) => ({
        draft: JSON.stringify(draft),
        ...meta,
        updated_at: now,
        draft_revision: e('draft_revision', '+', 1),
      }))
      .where('id', '=', id)
    if (baseRevision !== undefined) q = q.where('draft_revision', '=', baseRevision)
    const row = await q.returning('draft_revision').executeTakeFirst()
    if (row) return row.draft_revision
    const current = await this.db
      .selectFrom('sops')
      .select('draft_revision')
      .where('id', '=', id)
      .executeTakeFirst()
    if (!current) throw new ConflictError('not_found', `SOP "${id}" does not exist`)
    throw new ConflictError(
      'draft_conflict',
      `The draft of "${id}" was saved by someone else since revision ${baseRevision}; it is now at revision ${current.draft_revision}`,
      { id, baseRevision, revision: current.draft_revision },
    )
  }

  async setArchived(id: string, archived: boolean, now: string): Promise<void> {
    await this.db
      .updateTable('sops')
      .set({ archived: archived ? 1 : 0, updated_at: now })
      .where('id', '=', id)
      .execute()
  }

  async publishVersion(
    v: Omit<SopVersion, 'version'>,
    pinCalendars: readonly string[] = [],
  ): Promise<SopVersion> {
    const text = canonicalJson(v.document)
    return this.db.transaction().execute(async (trx) => {
      // The SOP's row is locked: two servers publishing at once number their versions in turn.
      await trx.selectFrom('sops').select('id').where('id', '=', v.sopId).forUpdate().execute()
      const r = await trx
        .selectFrom('sop_versions')
        .select((e) => e.fn.coalesce(e.fn.max('version'), e.val(0)).as('n'))
        .where('sop_id', '=', v.sopId)
        .executeTakeFirstOrThrow()
      const version = Number(r.n) + 1
      await trx
        .insertInto('sop_versions')
        .values({
          sop_id: v.sopId,
          version,
          hash: v.hash,
          document: text,
          published_at: v.publishedAt,
          published_by: v.publishedBy,
        })
        .execute()
      await PgCalendars.pinLatest(trx, v.sopId, version, pinCalendars)
      return { ...v, version, text }
    })
  }

  async getVersion(sopId: string, version: number): Promise<SopVersion | null> {
    const row = await this.db
      .selectFrom('sop_versions')
      .selectAll()
      .where('sop_id', '=', sopId)
      .where('version', '=', version)
      .executeTakeFirst()
    return row ? toVersion(row) : null
  }

  async latestVersion(sopId: string): Promise<SopVersion | null> {
    const row = await this.db
      .selectFrom('sop_versions')
      .selectAll()
      .where('sop_id', '=', sopId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? toVersion(row) : null
  }

  async listVersions(sopId: string): Promise<SopVersionMeta[]> {
    const rows = await this.db
      .selectFrom('sop_versions')
      .select(['version', 'hash', 'published_at', 'published_by'])
      .where('sop_id', '=', sopId)
      .orderBy('version')
      .execute()
    return rows.map((r) => ({
      version: r.version,
      hash: r.hash,
      publishedAt: r.published_at,
      publishedBy: r.published_by,
    }))
  }
}
