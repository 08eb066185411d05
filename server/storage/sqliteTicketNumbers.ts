import type Database from 'better-sqlite3'
import type { TicketNumbers } from './types.ts'

/**
 * Ticket numbers in the embedded database: the next after both the highest stored and the highest
 * this process handed out (a ticket numbered but not yet committed), so numbers only increase and
 * two tickets never share one (the unique index on `tickets.number` refuses a duplicate commit).
 * A number whose ticket fails to commit is not reused.
 */
export class SqliteTicketNumbers implements TicketNumbers {
  private last = 0
  private readonly highest: Database.Statement

  constructor(db: Database.Database) {
    this.highest = db.prepare('SELECT COALESCE(MAX(number), 1000) AS n FROM tickets')
  }

  async next(): Promise<number> {
    const stored = (this.highest.get() as { n: number }).n
    this.last = Math.max(this.last, stored) + 1
    return this.last
  }
}
