import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { type CalendarDetail, getCalendar, saveCalendar } from '../api/calendars.ts'
import { ApiError, type Problem } from '../api/client.ts'
import { type CalendarForm, emptyForm, toCalendar, toForm } from './calendarForm.ts'
import { type FieldErrors, fieldErrorsOf } from './fieldErrors.ts'

export type Saved = { version: number } | null

/**
 * The calendar being edited: the form, whether it differs from the version it started from, and
 * saving it as the next version. A save refused as a conflict keeps the form as typed until the
 * person chooses to reload the newer version; a refused field keeps it too, with the error at it.
 */
export function useCalendarEditor(id: string | null) {
  const { t } = useTranslation('calendars')
  const [detail, setDetail] = useState<CalendarDetail | null>(null)
  const [form, setForm] = useState<CalendarForm>(emptyForm)
  const [start, setStart] = useState(() => JSON.stringify(emptyForm()))
  const [baseVersion, setBaseVersion] = useState(0)
  const [loadError, setLoadError] = useState<Problem | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<Problem | null>(null)
  const [conflict, setConflict] = useState<Problem | null>(null)
  const [saved, setSaved] = useState<Saved>(null)
  const [busy, setBusy] = useState(false)

  const load = useCallback(async (calendarId: string) => {
    const d = await getCalendar(calendarId)
    const f = toForm(d.calendar)
    setDetail(d)
    setForm(f)
    setStart(JSON.stringify(f))
    setBaseVersion(d.version)
    return d
  }, [])

  useEffect(() => {
    if (!id) return
    load(id).catch((e) => setLoadError(e instanceof ApiError ? e.problem : problemOf(e)))
  }, [id, load])

  const dirty = useMemo(() => JSON.stringify(form) !== start, [form, start])

  const update = useCallback((change: (f: CalendarForm) => CalendarForm) => {
    setForm((f) => change(f))
    setSaved(null)
  }, [])

  const save = useCallback(async (): Promise<string | null> => {
    setBusy(true)
    setErrors({})
    setFailure(null)
    try {
      const v = await saveCalendar(toCalendar(form), baseVersion)
      await load(v.id)
      setSaved({ version: v.version })
      return v.id
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : problemOf(e)
      if (problem.code === 'calendar_conflict') setConflict(problem)
      else if (problem.status === 400 && Object.keys(fieldErrorsOf(problem, t)).length)
        setErrors(fieldErrorsOf(problem, t))
      else setFailure(problem)
      return null
    } finally {
      setBusy(false)
    }
  }, [form, baseVersion, load, t])

  /** Replaces the form with the newest version (the person chose to drop what they typed). */
  const reload = useCallback(async () => {
    setConflict(null)
    setErrors({})
    if (id || form.id) await load(id ?? form.id)
  }, [id, form.id, load])

  return {
    detail,
    form,
    update,
    dirty,
    baseVersion,
    errors,
    failure,
    conflict,
    keepEditing: () => setConflict(null),
    reload,
    save,
    saved,
    busy,
    loadError,
  }
}

const problemOf = (e: unknown): Problem => ({
  type: 'about:blank',
  title: e instanceof Error ? e.message : String(e),
  status: 0,
})
