import { type Row, toAudit } from './rows.ts'
import { SqliteStatements } from './sqliteStatements.ts'
import type { AuditRow, AuditType } from './types.ts'

/** The reads of a ticket's audit records by type: through the type index, never the whole history. */
export const AUDIT_READS = {
  oneType: 'SELECT * FROM audit INDEXED BY audit_by_type WHERE ticket_id = ? AND type = ? ORDER BY seq',
  someTypes:
    'SELECT * FROM audit INDEXED BY audit_by_type WHERE ticket_id = ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq',
} as const

/** A ticket's audit records on SQLite (the other ticket queries are shared: ./ticketQueries.ts). */
export class SqliteQueries extends SqliteStatements {
  /**
   * A ticket's audit records, all or of some types. Reads by type go through the type index (the
   * planner would otherwise walk the whole history by primary key: a reply's notes on a ticket
   * of 10,000 records would cost milliseconds).
   */
  async getAudit(ticketId: string, types?: readonly AuditType[]): Promise<AuditRow[]> {
    if (types?.length === 1) {
      const rows = this.stmt(AUDIT_READS.oneType).all(ticketId, types[0]) as Row[]
      return rows.map(toAudit)
    }
    if (types) {
      const rows = this.stmt(AUDIT_READS.someTypes).all(ticketId, JSON.stringify(types)) as Row[]
      return rows.map(toAudit)
    }
    return (this.stmt('SELECT * FROM audit WHERE ticket_id = ? ORDER BY seq').all(ticketId) as Row[]).map(
      toAudit,
    )
  }
}
