import { type Kysely, sql, type Transaction } from 'kysely'
import { type Calendar, calendarSchema, canonicalJson } from '../../engine/index.ts'
import type { NewAdminLogEntry } from './accessTypes.ts'
import { pgAdminLog } from './pgAccess.ts'
import {
  type Bundled,
  type CalendarStore,
  type CalendarVersion,
  type CalendarVersionMeta,
  calendarConflict,
} from './sqliteCalendars.ts'
import type { OrgRole, Team, TeamStore } from './sqliteTeams.ts'

/** Teams and organisation roles on PostgreSQL. */
export class PgTeams implements TeamStore {
  constructor(private readonly db: Kysely<any>) {}

  async listTeams(): Promise<Team[]> {
    const rows = await this.db.selectFrom('teams').selectAll().orderBy('name').execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      calendarId: r.calendar_id ?? null,
    }))
  }

  async getTeam(id: string): Promise<Team | null> {
    return (await this.listTeams()).find((t) => t.id === id) ?? null
  }

  async createTeam(team: Team): Promise<boolean> {
    const r = await this.db
      .insertInto('teams')
      .values({ id: team.id, name: team.name, created_at: team.createdAt })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows) === 1
  }

  async listOrgRoles(): Promise<OrgRole[]> {
    const rows = await this.db.selectFrom('org_roles').selectAll().orderBy('name').execute()
    return rows.map((r) => ({ name: r.name, label: r.label, createdAt: r.created_at }))
  }

  async createOrgRole(role: OrgRole): Promise<boolean> {
    const r = await this.db
      .insertInto('org_roles')
      .values({ name: role.name, label: role.label, created_at: role.createdAt })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows) === 1
  }

  async orgRolesOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_org_roles')
      .select('role')
      .where('user_id', '=', userId)
      .orderBy('role')
      .execute()
    return rows.map((r) => r.role)
  }

  async setOrgRoles(userId: string, roles: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_org_roles').where('user_id', '=', userId).execute()
      if (roles.length)
        await trx
          .insertInto('user_org_roles')
          .values(roles.map((role) => ({ user_id: userId, role })))
          .execute()
    })
  }

  async allOrgRoles(): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('user_org_roles')
      .select(['user_id', 'role'])
      .orderBy('user_id')
      .orderBy('role')
      .execute()
    const out = new Map<string, string[]>()
    for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role])
    return out
  }

  // Administrators' changes, each committed with its admin-actions log entry.

  async addTeam(team: Team, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('teams')
        .values({ id: team.id, name: team.name, created_at: team.createdAt })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst()
      if (Number(r.numInsertedOrUpdatedRows) !== 1) return false
      await pgAdminLog(trx, log)
      return true
    })
  }

  async setTeamCalendar(id: string, calendarId: string | null, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('teams')
        .set({ calendar_id: calendarId })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await pgAdminLog(trx, log)
      return true
    })
  }

  async addOrgRole(role: OrgRole, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('org_roles')
        .values({ name: role.name, label: role.label, created_at: role.createdAt })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst()
      if (Number(r.numInsertedOrUpdatedRows) !== 1) return false
      await pgAdminLog(trx, log)
      return true
    })
  }

  async changeOrgRoles(
    userId: string,
    roles: string[],
    log: (before: string[]) => NewAdminLogEntry,
  ): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const before = (
        await trx
          .selectFrom('user_org_roles')
          .select('role')
          .where('user_id', '=', userId)
          .orderBy('role')
          .execute()
      ).map((r) => r.role as string)
      await trx.deleteFrom('user_org_roles').where('user_id', '=', userId).execute()
      if (roles.length)
        await trx
          .insertInto('user_org_roles')
          .values(roles.map((role) => ({ user_id: userId, role })))
          .execute()
      await pgAdminLog(trx, log(before))
      return before
    })
  }
}

type Row = { calendar_id: string; version: number; document: string; created_at: string; created_by: string }

const toVersion = (r: Record<string, any>): CalendarVersion => ({
  id: r.calendar_id,
  version: r.version,
  calendar: calendarSchema.parse(JSON.parse(r.document)),
  createdAt: r.created_at,
  createdBy: r.created_by,
})
const toMeta = ({ calendar, ...v }: CalendarVersion): CalendarVersionMeta => ({
  ...v,
  title: calendar.title,
  timeZone: calendar.timeZone,
})

/** Calendars in immutable versions on PostgreSQL, and the versions each SOP version pins. */
export class PgCalendars implements CalendarStore {
  constructor(private readonly db: Kysely<any>) {}

  /** Pins the latest version of each calendar to an SOP version, inside the publishing transaction. */
  static async pinLatest(trx: Transaction<any>, sopId: string, sopVersion: number, ids: readonly string[]) {
    for (const id of ids) {
      const r = await sql`INSERT INTO sop_calendar_pins (sop_id, sop_version, calendar_id, calendar_version)
        SELECT ${sopId}, ${sopVersion}, calendar_id, max(version) FROM calendar_versions
        WHERE calendar_id = ${id} GROUP BY calendar_id`.execute(trx)
      if (!Number(r.numAffectedRows)) throw new Error(`No calendar "${id}" to pin`)
    }
    // The calendars of the teams responsible for the version's steps, in their latest versions.
    await sql`INSERT INTO sop_team_calendars (sop_id, sop_version, team_id, calendar_id)
      SELECT DISTINCT s.sop_id, s.version, s.team, t.calendar_id FROM sop_steps s JOIN teams t ON t.id = s.team
      WHERE s.sop_id = ${sopId} AND s.version = ${sopVersion} AND t.calendar_id IS NOT NULL`.execute(trx)
    await sql`INSERT INTO sop_calendar_pins (sop_id, sop_version, calendar_id, calendar_version)
      SELECT ${sopId}, ${sopVersion}, calendar_id, max(version) FROM calendar_versions
      WHERE calendar_id IN (SELECT calendar_id FROM sop_team_calendars WHERE sop_id = ${sopId} AND sop_version = ${sopVersion})
      GROUP BY calendar_id ON CONFLICT DO NOTHING`.execute(trx)
  }

  async teamPins(sopId: string, sopVersion: number): Promise<Record<string, string>> {
    const rows = await this.db
      .selectFrom('sop_team_calendars')
      .select(['team_id', 'calendar_id'])
      .where('sop_id', '=', sopId)
      .where('sop_version', '=', sopVersion)
      .orderBy('team_id')
      .execute()
    return Object.fromEntries(rows.map((r) => [r.team_id, r.calendar_id]))
  }

  async list(): Promise<CalendarVersionMeta[]> {
    const rows = await sql<Row>`SELECT DISTINCT ON (calendar_id) * FROM calendar_versions
      ORDER BY calendar_id, version DESC`.execute(this.db)
    return rows.rows.map((r) => toMeta(toVersion(r)))
  }

  async versions(id: string): Promise<CalendarVersionMeta[]> {
    const rows = await this.db
      .selectFrom('calendar_versions')
      .selectAll()
      .where('calendar_id', '=', id)
      .orderBy('version')
      .execute()
    return rows.map((r) => toMeta(toVersion(r)))
  }

  async get(id: string, version?: number): Promise<CalendarVersion | null> {
    let q = this.db.selectFrom('calendar_versions').selectAll().where('calendar_id', '=', id)
    q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version)
    const row = await q.executeTakeFirst()
    return row ? toVersion(row) : null
  }

  async add(calendar: Calendar, at: string, by: string, baseVersion?: number): Promise<CalendarVersion> {
    return this.db.transaction().execute(async (trx) => {
      // Saves of one calendar number their versions in turn, on every server.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`calendar:${calendar.id}`}))`.execute(trx)
      const r = await trx
        .selectFrom('calendar_versions')
        .select((e) => e.fn.coalesce(e.fn.max('version'), e.val(0)).as('n'))
        .where('calendar_id', '=', calendar.id)
        .executeTakeFirstOrThrow()
      if (baseVersion !== undefined && baseVersion !== Number(r.n))
        throw calendarConflict(calendar.id, baseVersion, Number(r.n))
      const version = Number(r.n) + 1
      await trx
        .insertInto('calendar_versions')
        .values({
          calendar_id: calendar.id,
          version,
          document: canonicalJson(calendar),
          created_at: at,
          created_by: by,
        })
        .execute()
      return { id: calendar.id, version, calendar, createdAt: at, createdBy: by }
    })
  }

  async missing(ids: readonly string[]): Promise<string[]> {
    const out: string[] = []
    for (const id of ids) if (!(await this.get(id))) out.push(id)
    return out
  }

  async bundled(sopId: string, sopVersion: number): Promise<Bundled> {
    const calendars = await this.pinned(sopId, sopVersion)
    const teamCalendars = await this.teamPins(sopId, sopVersion)
    return {
      ...(Object.keys(calendars).length ? { calendars } : {}),
      ...(Object.keys(teamCalendars).length ? { teamCalendars } : {}),
    }
  }

  async pinned(sopId: string, sopVersion: number): Promise<Record<string, Calendar>> {
    const rows = await this.db
      .selectFrom('sop_calendar_pins as p')
      .innerJoin('calendar_versions as c', (j) =>
        j.onRef('c.calendar_id', '=', 'p.calendar_id').onRef('c.version', '=', 'p.calendar_version'),
      )
      .selectAll('c')
      .where('p.sop_id', '=', sopId)
      .where('p.sop_version', '=', sopVersion)
      .execute()
    return Object.fromEntries(rows.map((r) => [r.calendar_id, toVersion(r).calendar]))
  }
}
