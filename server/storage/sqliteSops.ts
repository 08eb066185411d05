import { canonicalJson } from '../../engine/index.ts'
import { draftMeta, type Row, toVersion } from './rows.ts'
import { pinLatestCalendars } from './sqliteCalendars.ts'
import { SqliteStatements } from './sqliteStatements.ts'
import {
  ConflictError,
  type SopRecord,
  type SopSummaryRow,
  type SopVersion,
  type SopVersionMeta,
} from './types.ts'

/** SOPs, their drafts and their published (append-only) versions on SQLite. */
export class SqliteSops extends SqliteStatements {
  async createSop(sop: SopRecord): Promise<void> {
    const meta = draftMeta(sop.draft)
    this.stmt(
      `INSERT INTO sops (id, draft, title, department, language, archived, created_at, updated_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      sop.id,
      JSON.stringify(sop.draft),
      meta.title,
      meta.department,
      meta.language,
      sop.archived ? 1 : 0,
      sop.createdAt,
      sop.updatedAt,
      sop.createdBy,
    )
  }

  async getSop(id: string): Promise<SopRecord | null> {
    const row = this.stmt('SELECT * FROM sops WHERE id = ?').get(id) as Row | undefined
    if (!row) return null
    return {
      id: row.id as string,
      draft: JSON.parse(row.draft as string),
      draftRevision: row.draft_revision as number,
      archived: row.archived === 1,
      createdAt: row.created_at as string,
      updatedAt: row.updated_at as string,
      createdBy: row.created_by as string,
    }
  }

  async listSops(includeArchived: boolean): Promise<SopSummaryRow[]> {
    const rows = this.stmt(
      `SELECT s.id, s.title, s.department, s.language, s.archived, s.updated_at,
              (SELECT max(version) FROM sop_versions v WHERE v.sop_id = s.id) AS latest
       FROM sops s WHERE ? OR s.archived = 0 ORDER BY s.title`,
    ).all(includeArchived ? 1 : 0) as Row[]
    return rows.map((r) => ({
      id: r.id as string,
      title: r.title as string,
      department: r.department as string,
      language: r.language as string,
      latestVersion: (r.latest as number | null) ?? null,
      archived: r.archived === 1,
      updatedAt: r.updated_at as string,
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
    const row = this.stmt(
      `UPDATE sops SET draft = ?, title = ?, department = ?, language = ?, updated_at = ?,
         draft_revision = draft_revision + 1
       WHERE id = ? AND (? IS NULL OR draft_revision = ?) RETURNING draft_revision`,
    ).get(
      JSON.stringify(draft),
      meta.title,
      meta.department,
      meta.language,
      now,
      id,
      baseRevision ?? null,
      baseRevision ?? null,
    ) as { draft_revision: number } | undefined
    if (row) return row.draft_revision
    const current = this.stmt('SELECT draft_revision FROM sops WHERE id = ?').get(id) as
      | { draft_revision: number }
      | undefined
    if (!current) throw new ConflictError('not_found', `SOP "${id}" does not exist`)
    throw new ConflictError(
      'draft_conflict',
      `The draft of "${id}" was saved by someone else since revision ${baseRevision}; it is now at revision ${current.draft_revision}`,
      { id, baseRevision, revision: current.draft_revision },
    )
  }

  async setArchived(id: string, archived: boolean, now: string): Promise<void> {
    this.stmt('UPDATE sops SET archived = ?, updated_at = ? WHERE id = ?').run(archived ? 1 : 0, now, id)
  }

  async publishVersion(
    v: Omit<SopVersion, 'version'>,
    pinCalendars: readonly string[] = [],
  ): Promise<SopVersion> {
    // Stored as canonical JSON: the version's hash is SHA-256 over exactly these bytes.
    const text = canonicalJson(v.document)
    return this.db
      .transaction(() => {
        const { n } = this.stmt(
          'SELECT coalesce(max(version), 0) AS n FROM sop_versions WHERE sop_id = ?',
        ).get(v.sopId) as { n: number }
        const version = n + 1
        this.stmt(
          `INSERT INTO sop_versions (sop_id, version, hash, document, published_at, published_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(v.sopId, version, v.hash, text, v.publishedAt, v.publishedBy)
        pinLatestCalendars(this.db, v.sopId, version, pinCalendars)
        return { ...v, version, text }
      })
      .immediate()
  }

  async getVersion(sopId: string, version: number): Promise<SopVersion | null> {
    const row = this.stmt('SELECT * FROM sop_versions WHERE sop_id = ? AND version = ?').get(
      sopId,
      version,
    ) as Row | undefined
    return row ? toVersion(row) : null
  }

  async latestVersion(sopId: string): Promise<SopVersion | null> {
    const row = this.stmt('SELECT * FROM sop_versions WHERE sop_id = ? ORDER BY version DESC LIMIT 1').get(
      sopId,
    ) as Row | undefined
    return row ? toVersion(row) : null
  }

  async listVersions(sopId: string): Promise<SopVersionMeta[]> {
    const rows = this.stmt(
      'SELECT version, hash, published_at, published_by FROM sop_versions WHERE sop_id = ? ORDER BY version',
    ).all(sopId) as Row[]
    return rows.map((r) => ({
      version: r.version as number,
      hash: r.hash as string,
      publishedAt: r.published_at as string,
      publishedBy: r.published_by as string,
    }))
  }
}
