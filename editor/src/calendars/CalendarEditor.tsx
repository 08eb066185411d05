import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { type ProblemLike, problemText } from '../ui/problemText.ts'
import { navigate } from '../useRoute.ts'
import type { CalendarForm } from './calendarForm.ts'
import { DateExceptions } from './DateExceptions.tsx'
import { ConflictDialog, LeaveDialog } from './Dialogs.tsx'
import { FieldError } from './FieldError.tsx'
import { errorAt } from './fieldErrors.ts'
import { HolidayPicker } from './HolidayPicker.tsx'
import { UsedBy } from './UsedBy.tsx'
import { useCalendarEditor } from './useCalendarEditor.ts'
import { useLeaveWarning } from './useLeaveWarning.ts'
import { VersionHistory } from './VersionHistory.tsx'
import { WeekHours } from './WeekHours.tsx'

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone')
  } catch {
    return []
  }
}

/** One calendar as a form (a new one when `id` is null); saving makes its next version. */
export function CalendarEditor({ id }: { id: string | null }) {
  const { t } = useTranslation('calendars')
  const ed = useCalendarEditor(id)
  const leave = useLeaveWarning(ed.dirty)
  const zoneList = useMemo(zones, [])
  const { form, errors } = ed
  const change = (c: Partial<CalendarForm>) => ed.update((f) => ({ ...f, ...c }))
  const err = (field: string) => errorAt(errors, field)
  const invalid = (field: string) =>
    err(field) ? { 'aria-invalid': true, 'aria-describedby': `err-${field}` } : {}

  if (ed.loadError)
    return (
      <div className="page calendars">
        <p className="error" role="alert">
          {problemText(ed.loadError as ProblemLike, t)}
        </p>
        <a href="#/calendars">{t('back')}</a>
      </div>
    )
  if (id && !ed.detail) return <p className="page muted">{t('loading', { ns: 'common' })}</p>

  const onSave = async () => {
    const saved = await ed.save()
    if (saved && !id) {
      leave.release()
      navigate(`/calendars/${encodeURIComponent(saved)}`)
    }
  }

  // A new calendar whose id was taken meanwhile: the existing calendar opens on its own page.
  const onReload = () => {
    if (id) return void ed.reload()
    leave.release()
    navigate(`/calendars/${encodeURIComponent(form.id.trim())}`)
  }

  return (
    <div className="page calendars">
      <p className="crumbs">
        <a href="#/calendars">{t('back')}</a>
      </p>
      <h1>{id ? (ed.detail?.calendar.title ?? id) : t('newTitle')}</h1>
      {ed.detail && <p className="muted">{t('currentVersion', { n: ed.baseVersion, id: ed.detail.id })}</p>}
      {ed.detail && (
        <p className="cal-used-by">
          {t('usedBy.title')}: <UsedBy users={ed.detail.usedBy} />
        </p>
      )}
      <form
        className="cal-form"
        aria-label={t('formLabel')}
        onSubmit={(e) => {
          e.preventDefault()
          void onSave()
        }}
      >
        <fieldset className="cal-section">
          <legend>{t('basics')}</legend>
          {!id && (
            <label className="cal-field">
              {t('field.id')}
              <input
                name="id"
                value={form.id}
                required
                pattern="[A-Za-z][A-Za-z0-9_\-]*"
                {...invalid('id')}
                onChange={(e) => change({ id: e.target.value })}
              />
              <span className="muted small">{t('field.idHelp')}</span>
              <FieldError field="id" text={err('id')} />
            </label>
          )}
          <label className="cal-field">
            {t('field.title')}
            <input
              name="title"
              value={form.title}
              required
              {...invalid('title')}
              onChange={(e) => change({ title: e.target.value })}
            />
            <FieldError field="title" text={err('title')} />
          </label>
          <label className="cal-field">
            {t('field.timeZone')}
            <input
              name="timeZone"
              list="cal-zones"
              value={form.timeZone}
              required
              autoComplete="off"
              {...invalid('timeZone')}
              onChange={(e) => change({ timeZone: e.target.value })}
            />
            <datalist id="cal-zones">
              {zoneList.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <FieldError field="timeZone" text={err('timeZone')} />
          </label>
        </fieldset>
        <WeekHours form={form} errors={errors} onChange={change} />
        <HolidayPicker form={form} errors={errors} onChange={change} />
        <DateExceptions form={form} errors={errors} onChange={change} />
        <div className="cal-actions">
          <button type="submit" className="primary" disabled={ed.busy}>
            {id ? t('save') : t('create')}
          </button>
          {ed.dirty && <span className="warning small">{t('unsaved')}</span>}
          {ed.saved && !ed.dirty && (
            <span role="status" className="ok">
              {t('saved', { n: ed.saved.version })}
            </span>
          )}
          {Object.keys(errors).length > 0 && (
            <span role="alert" className="error small">
              {t('notSaved')}
            </span>
          )}
          {ed.failure && (
            <span role="alert" className="error">
              {problemText(ed.failure as ProblemLike, t)}
            </span>
          )}
        </div>
      </form>
      {ed.detail && <VersionHistory id={ed.detail.id} versions={ed.detail.versions} />}
      {ed.conflict && <ConflictDialog problem={ed.conflict} onKeep={ed.keepEditing} onReload={onReload} />}
      {leave.asking && <LeaveDialog onDecide={leave.decide} />}
    </div>
  )
}
