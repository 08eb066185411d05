import { memo, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fromIso, readDuration, UNITS, type Unit } from './duration.ts'

/**
 * An ISO-8601 duration edited as a number and a unit (minutes, hours, days). A stored value keeps
 * its exact text until the person changes it (PT1H30M shows as 90 minutes and stays PT1H30M);
 * an empty or non-positive number is named as wrong and changes nothing.
 */
export const DurationInput = memo(function DurationInput({
  label,
  name,
  value,
  optional = false,
  onChange,
}: {
  label: string
  name: string
  value: string | undefined
  /** Empty is fine (no duration yet): no error is shown for it. */
  optional?: boolean
  onChange: (iso: string) => void
}) {
  const { t } = useTranslation('designer')
  const id = useId()
  const shown = fromIso(value)
  const [text, setText] = useState(shown ? String(shown.amount) : '')
  const [unit, setUnit] = useState<Unit>(shown?.unit ?? 'hours')
  // The value this input last wrote: a different one came from elsewhere (undo) and is shown.
  const written = useRef(value)
  useEffect(() => {
    if (value === written.current) return
    written.current = value
    const next = fromIso(value)
    setText(next ? String(next.amount) : '')
    if (next) setUnit(next.unit)
  }, [value])
  const read = readDuration(text, unit)
  const emit = (nextText: string, nextUnit: Unit) => {
    setText(nextText)
    setUnit(nextUnit)
    const r = readDuration(nextText, nextUnit)
    if (r.ok && r.iso !== value) {
      written.current = r.iso
      onChange(r.iso)
    }
  }
  const error =
    read.ok || (optional && read.reason === 'empty')
      ? null
      : read.reason === 'empty' && value && !shown
        ? t('inspector2.durationUnreadable', { value })
        : t(read.reason === 'empty' ? 'inspector2.durationEmpty' : 'inspector2.durationNotPositive')
  return (
    <div className="duration-input">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input
          id={id}
          name={name}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={text}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : undefined}
          className={error ? 'is-invalid' : ''}
          onChange={(e) => emit(e.target.value, unit)}
        />
        <select
          name={`${name}-unit`}
          aria-label={`${label} (${t('units.unit')})`}
          value={unit}
          onChange={(e) => emit(text, e.target.value as Unit)}
        >
          {UNITS.map((u) => (
            <option key={u} value={u}>
              {t(`units.${u}`)}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p id={`${id}-error`} className="issue error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
})
