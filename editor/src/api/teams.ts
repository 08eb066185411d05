import { request } from './client.ts'

export interface Team {
  id: string
  name: string
}

/** The organisation's teams (departments), which an SOP step may name as responsible. */
export const listTeams = () => request<Team[]>('GET', '/teams')

/** Adds a team (administrators). */
export const createTeam = (team: Team) => request<Team>('POST', '/teams', team)
