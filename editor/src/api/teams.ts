import { request } from './client.ts'

export interface Team {
  id: string
  name: string
  /** The calendar the team's business time counts in (null: the SOP's). */
  calendarId?: string | null
}

/** A calendar a team can count its business time in. */
export interface CalendarChoice {
  id: string
  title: string
}

/** The organisation's teams (departments), which an SOP step may name as responsible. */
export const listTeams = () => request<Team[]>('GET', '/teams')

/** Adds a team (administrators). */
export const createTeam = (team: Team) => request<Team>('POST', '/teams', team)

/** The calendars a team can choose (their latest versions). */
export const listCalendarChoices = () => request<CalendarChoice[]>('GET', '/calendars')

/** Sets or clears (null) the calendar a team's business time counts in (administrators). */
export const setTeamCalendar = (id: string, calendarId: string | null) =>
  request<Team>('PUT', `/teams/${encodeURIComponent(id)}`, { calendarId })
