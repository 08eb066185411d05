import { useEffect, useState } from 'react'
import { holidayCountries, holidayStates, holidaysOfYear, type Named } from '../api/calendars.ts'
import { ApiError, type Problem } from '../api/client.ts'

/** Countries, the chosen country's regions, and the holidays they resolve to in a year, for the form. */
export function useHolidays(country: string, region: string, year: number, lang: string) {
  const [countries, setCountries] = useState<Named[]>([])
  const [states, setStates] = useState<Named[]>([])
  const [holidays, setHolidays] = useState<{ date: string; name: string }[] | null>(null)
  const [error, setError] = useState<Problem | null>(null)

  useEffect(() => {
    holidayCountries(lang).then(setCountries, (e) => setError(problemOf(e)))
  }, [lang])

  useEffect(() => {
    setStates([])
    if (!country) return
    let live = true
    holidayStates(country, lang).then(
      (s) => live && setStates(s),
      (e) => live && setError(problemOf(e)),
    )
    return () => {
      live = false
    }
  }, [country, lang])

  useEffect(() => {
    setHolidays(null)
    setError(null)
    if (!country) return
    let live = true
    holidaysOfYear(country, region, year, lang).then(
      (r) => live && setHolidays(r.holidays),
      (e) => live && setError(problemOf(e)),
    )
    return () => {
      live = false
    }
  }, [country, region, year, lang])

  return { countries, states, holidays, error }
}

const problemOf = (e: unknown): Problem =>
  e instanceof ApiError ? e.problem : { type: 'about:blank', title: String(e), status: 0 }
