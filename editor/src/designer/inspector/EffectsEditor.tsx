import { memo, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Doc } from '../useDesigner.ts'
import { useRoleName } from './RolesInput.tsx'

type Field = NonNullable<Doc['fields']>[number]
type Value = string | number | boolean
export type Effect =
  | { type: 'set'; field: string; value: Value }
  | { type: 'priority'; value: (typeof PRIORITIES)[number] }
  | { type: 'assign'; role?: string; queue?: string }

const TYPES = ['set', 'priority', 'assign'] as const
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const

/** The value a new "set" effect starts with: one of the field's type. */
function startValue(field: Field | undefined): Value {
  if (field?.type === 'choice') return field.options?.[0]?.value ?? ''
  if (field?.type === 'boolean') return true
  if (field?.type === 'number') return 0
  return ''
}

function isEffect(e: unknown): e is Effect {
  if (!e || typeof e !== 'object') return false
  const x = e as Record<string, unknown>
  if (x.type === 'set')
    return typeof x.field === 'string' && ['string', 'number', 'boolean'].includes(typeof x.value)
  if (x.type === 'priority') return PRIORITIES.includes(x.value as never)
  return x.type === 'assign'
}

/** A transition's effects as rows of a small form: set a field, set the priority, assign. */
export const EffectsEditor = memo(function EffectsEditor({
  effects,
  fields,
  roles,
  onChange,
}: {
  effects: unknown[] | undefined
  fields: Field[]
  roles: string[]
  onChange: (effects: unknown[]) => void
}) {
  const { t } = useTranslation('designer')
  const list = effects ?? []
  const fresh = (type: Effect['type']): Effect =>
    type === 'set'
      ? { type, field: fields[0]?.name ?? '', value: startValue(fields[0]) }
      : type === 'priority'
        ? { type, value: 'high' }
        : roles[0]
          ? { type, role: roles[0] }
          : { type }
  const put = (i: number, e: Effect) => onChange(list.map((x, j) => (j === i ? e : x)))
  return (
    <fieldset className="effects-editor">
      <legend>{t('inspector2.effects')}</legend>
      {list.map((e, i) => {
        const n = i + 1
        const remove = (
          <button
            type="button"
            aria-label={t('inspector2.removeEffect', { n })}
            onClick={() => onChange(list.filter((_, j) => j !== i))}
          >
            ×
          </button>
        )
        if (!isEffect(e))
          return (
            <div key={i} className="effect-row">
              <p className="issue error">{t('inspector2.unknownEffect', { json: JSON.stringify(e) })}</p>
              {remove}
            </div>
          )
        return (
          <div key={i} className="effect-row" data-testid={`effect-${n}`}>
            <select
              aria-label={t('inspector2.effectType', { n })}
              value={e.type}
              onChange={(ev) => put(i, fresh(ev.target.value as Effect['type']))}
            >
              {TYPES.map((ty) => (
                <option key={ty} value={ty} disabled={ty === 'set' && !fields.length && e.type !== 'set'}>
                  {t(`inspector2.effectTypes.${ty}`)}
                </option>
              ))}
            </select>
            {e.type === 'set' && <SetEffect n={n} effect={e} fields={fields} onChange={(x) => put(i, x)} />}
            {e.type === 'priority' && (
              <select
                aria-label={t('inspector2.effectPriority', { n })}
                value={e.value}
                onChange={(ev) =>
                  put(i, { type: 'priority', value: ev.target.value as (typeof PRIORITIES)[number] })
                }
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`inspector2.priorities.${p}`)}
                  </option>
                ))}
              </select>
            )}
            {e.type === 'assign' && (
              <AssignEffect n={n} effect={e} roles={roles} onChange={(x) => put(i, x)} />
            )}
            {remove}
          </div>
        )
      })}
      {!fields.length && <p className="muted small">{t('inspector2.noFields')}</p>}
      <button type="button" onClick={() => onChange([...list, fresh(fields.length ? 'set' : 'priority')])}>
        + {t('inspector2.addEffect')}
      </button>
    </fieldset>
  )
})

function SetEffect({
  n,
  effect,
  fields,
  onChange,
}: {
  n: number
  effect: Extract<Effect, { type: 'set' }>
  fields: Field[]
  onChange: (e: Effect) => void
}) {
  const { t } = useTranslation('designer')
  const field = fields.find((f) => f.name === effect.field)
  const valueLabel = t('inspector2.effectValue', { n })
  const set = (value: Value) => onChange({ ...effect, value })
  return (
    <>
      <select
        aria-label={t('inspector2.effectField', { n })}
        value={effect.field}
        onChange={(ev) => {
          const next = fields.find((f) => f.name === ev.target.value)
          onChange({ type: 'set', field: ev.target.value, value: startValue(next) })
        }}
      >
        {!field && <option value={effect.field}>{effect.field || '—'}</option>}
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label}
          </option>
        ))}
      </select>
      {field?.type === 'choice' ? (
        <select aria-label={valueLabel} value={String(effect.value)} onChange={(ev) => set(ev.target.value)}>
          {!(field.options ?? []).some((o) => o.value === effect.value) && (
            <option value={String(effect.value)}>{String(effect.value) || '—'}</option>
          )}
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : field?.type === 'boolean' ? (
        <label className="inline small">
          <input
            type="checkbox"
            aria-label={valueLabel}
            checked={effect.value === true}
            onChange={(ev) => set(ev.target.checked)}
          />
          {t('inspector2.yes')}
        </label>
      ) : field?.type === 'number' ? (
        <NumberValue label={valueLabel} value={effect.value} onChange={set} />
      ) : (
        <input
          aria-label={valueLabel}
          type={field?.type === 'date' ? 'date' : 'text'}
          value={String(effect.value)}
          onChange={(ev) => set(ev.target.value)}
        />
      )}
    </>
  )
}

/** A number typed in: kept as typed, written only when it reads as a number. */
function NumberValue({
  label,
  value,
  onChange,
}: {
  label: string
  value: Value
  onChange: (v: number) => void
}) {
  const { t } = useTranslation('designer')
  const [text, setText] = useState(typeof value === 'number' ? String(value) : '')
  // A value this input did not write (undo, a row removed above) is shown as it is.
  const written = useRef(value)
  useEffect(() => {
    if (value === written.current) return
    written.current = value
    setText(typeof value === 'number' ? String(value) : '')
  }, [value])
  const ok = text.trim() !== '' && Number.isFinite(Number(text))
  return (
    <>
      <input
        aria-label={label}
        type="number"
        step="any"
        value={text}
        aria-invalid={!ok}
        className={ok ? '' : 'is-invalid'}
        onChange={(ev) => {
          setText(ev.target.value)
          const v = Number(ev.target.value)
          if (ev.target.value.trim() !== '' && Number.isFinite(v)) {
            written.current = v
            onChange(v)
          }
        }}
      />
      {!ok && <span className="issue error small">{t('inspector2.valueNeeded')}</span>}
    </>
  )
}

function AssignEffect({
  n,
  effect,
  roles,
  onChange,
}: {
  n: number
  effect: Extract<Effect, { type: 'assign' }>
  roles: string[]
  onChange: (e: Effect) => void
}) {
  const { t } = useTranslation('designer')
  const name = useRoleName()
  const offered = [...new Set([...roles, ...(effect.role ? [effect.role] : [])])]
  const put = (patch: { role?: string; queue?: string }) => {
    const next: Effect = { type: 'assign', role: effect.role, queue: effect.queue, ...patch }
    if (!next.role) delete next.role
    if (!next.queue) delete next.queue
    onChange(next)
  }
  return (
    <>
      <select
        aria-label={t('inspector2.effectRole', { n })}
        value={effect.role ?? ''}
        onChange={(ev) => put({ role: ev.target.value })}
      >
        <option value="">{t('inspector2.anyRole')}</option>
        {offered.map((r) => (
          <option key={r} value={r}>
            {name(r)}
          </option>
        ))}
      </select>
      <input
        aria-label={t('inspector2.effectQueue', { n })}
        placeholder={t('inspector2.queuePlaceholder')}
        value={effect.queue ?? ''}
        onChange={(ev) => put({ queue: ev.target.value })}
      />
      {!effect.role && !effect.queue && (
        <span className="issue error small">{t('inspector2.assignNeedsOne')}</span>
      )}
    </>
  )
}
