import type Database from 'better-sqlite3'
import { AccessCache, type AccessVersion } from './accessCache.ts'
import type { NewAdminLogEntry } from './accessTypes.ts'
import { insertAdminLog } from './sqliteAdminLog.ts'

export interface Team {
  id: string
  name: string
  createdAt: string
  /** The calendar the team's business time counts in (null: the SOP's). */
  calendarId?: string | null
}

export interface OrgRole {
  /** The name SOP steps use, e.g. `billing_specialist`. */
  name: string
  label: string
  createdAt: string
}

/** Teams and organisation roles. */
export interface TeamStore {
  listTeams(): Promise<Team[]>
  getTeam(id: string): Promise<Team | null>
  /** Adds a team; false when one with this id exists. */
  createTeam(team: Team): Promise<boolean>
  listOrgRoles(): Promise<OrgRole[]>
  /** Adds an organisation role; false when one with this name exists. */
  createOrgRole(role: OrgRole): Promise<boolean>
  orgRolesOf(userId: string): Promise<string[]>
  /** Replaces a user's organisation roles, in one transaction. */
  setOrgRoles(userId: string, roles: string[]): Promise<void>
  /** Every user's organisation roles, by user id (users without any are absent). */
  allOrgRoles(): Promise<Map<string, string[]>>
  /** Adds a team with its admin-log entry; false (and nothing written) when one with this id exists. */
  addTeam(team: Team, log: NewAdminLogEntry): Promise<boolean>
  /** Adds an organisation role with its admin-log entry; false (nothing written) when the name is taken. */
  addOrgRole(role: OrgRole, log: NewAdminLogEntry): Promise<boolean>
  /**
   * Sets (or, with null, clears) a team's calendar with its admin-log entry; false (nothing
   * written) when there is no such team.
   */
  setTeamCalendar(id: string, calendarId: string | null, log: NewAdminLogEntry): Promise<boolean>
  /** Replaces a user's organisation roles with the log entry (`log` gets the roles before). */
  changeOrgRoles(
    userId: string,
    roles: string[],
    log: (before: string[]) => NewAdminLogEntry,
  ): Promise<string[]>
}

/** Teams and organisation roles on the SQLite database (tables of the migration that adds them). */
export class SqliteTeams implements TeamStore {
  /** Read on every ticket write and reply (the actor's roles): prepared once, each role a plain string. */
  private rolesOf: Database.Statement | null = null
  private readonly roles: AccessCache<string, string[]>

  constructor(
    private readonly db: Database.Database,
    version: AccessVersion,
  ) {
    this.roles = new AccessCache(version)
  }

  async listTeams(): Promise<Team[]> {
    return (this.db.prepare('SELECT * FROM teams ORDER BY name').all() as Record<string, string>[]).map(
      (r) => ({
        id: r.id,
        name: r.name,
        createdAt: r.created_at,
        calendarId: r.calendar_id ?? null,
      }),
    )
  }

  async getTeam(id: string): Promise<Team | null> {
    return (await this.listTeams()).find((t) => t.id === id) ?? null
  }

  /** Adds a team; false when one with this id exists. */
  async createTeam(team: Team): Promise<boolean> {
    return this.insertTeam(team)
  }

  private insertTeam(team: Team): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO teams (id, name, created_at) VALUES (?, ?, ?)')
      .run(team.id, team.name, team.createdAt)
    return r.changes === 1
  }

  async listOrgRoles(): Promise<OrgRole[]> {
    return (this.db.prepare('SELECT * FROM org_roles ORDER BY name').all() as Record<string, string>[]).map(
      (r) => ({ name: r.name, label: r.label, createdAt: r.created_at }),
    )
  }

  /** Adds an organisation role; false when one with this name exists. */
  async createOrgRole(role: OrgRole): Promise<boolean> {
    return this.insertOrgRole(role)
  }

  private insertOrgRole(role: OrgRole): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO org_roles (name, label, created_at) VALUES (?, ?, ?)')
      .run(role.name, role.label, role.createdAt)
    return r.changes === 1
  }

  async orgRolesOf(userId: string): Promise<string[]> {
    return [...this.roles.get(userId, () => this.readOrgRoles(userId))]
  }

  private readOrgRoles(userId: string): string[] {
    this.rolesOf ??= this.db
      .prepare('SELECT role FROM user_org_roles WHERE user_id = ? ORDER BY role')
      .pluck()
    return this.rolesOf.all(userId) as string[]
  }

  /** Replaces a user's organisation roles, in one transaction. */
  async setOrgRoles(userId: string, roles: string[]): Promise<void> {
    this.writeOrgRoles(userId, roles)
  }

  private writeOrgRoles(userId: string, roles: string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM user_org_roles WHERE user_id = ?').run(userId)
      const add = this.db.prepare('INSERT INTO user_org_roles (user_id, role) VALUES (?, ?)')
      for (const r of roles) add.run(userId, r)
    })()
  }

  /** Every user's organisation roles, by user id (users without any are absent). */
  async allOrgRoles(): Promise<Map<string, string[]>> {
    const rows = this.db.prepare('SELECT user_id, role FROM user_org_roles ORDER BY user_id, role').all() as {
      user_id: string
      role: string
    }[]
    const out = new Map<string, string[]>()
    for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role])
    return out
  }

  // Administrators' changes, each committed with its admin-actions log entry.

  /** Adds a team with its log entry; false (and nothing written) when one with this id exists. */
  async addTeam(team: Team, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.insertTeam(team)) return false
      insertAdminLog(this.db, log)
      return true
    })()
  }

  /** Sets or clears a team's calendar with its log entry; false (nothing written) without the team. */
  async setTeamCalendar(id: string, calendarId: string | null, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.db.prepare('UPDATE teams SET calendar_id = ? WHERE id = ?').run(calendarId, id).changes)
        return false
      insertAdminLog(this.db, log)
      return true
    })()
  }

  /** Adds an organisation role with its log entry; false (nothing written) when the name is taken. */
  async addOrgRole(role: OrgRole, log: NewAdminLogEntry): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.insertOrgRole(role)) return false
      insertAdminLog(this.db, log)
      return true
    })()
  }

  /** Replaces a user's organisation roles with the log entry (`log` gets the roles before). */
  async changeOrgRoles(
    userId: string,
    roles: string[],
    log: (before: string[]) => NewAdminLogEntry,
  ): Promise<string[]> {
    return this.db.transaction(() => {
      const before = this.readOrgRoles(userId)
      this.writeOrgRoles(userId, roles)
      insertAdminLog(this.db, log(before))
      return before
    })()
  }
}
