import { memo, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { DurationInput } from '../inspector/DurationInput.tsx'
import { useRoleName } from '../inspector/RolesInput.tsx'
import type { Doc } from '../useDesigner.ts'
import { ClockFields } from './ClockFields.tsx'
import { type PolicyTarget, PRIORITIES, percentOf, RAISE_TO, readPercent } from './policy.ts'
import type { TargetField } from './timeIssues.ts'

/** Steps by title (with the id only where two share a title), for an escalation. */
function stepChoices(steps: Doc['steps']) {
  const count = new Map<string, number>()
  for (const s of steps) count.set(s.title, (count.get(s.title) ?? 0) + 1)
  return steps
    .filter((s) => s.kind !== 'end')
    .map((s) => ({ id: s.id, label: (count.get(s.title) ?? 0) > 1 ? `${s.title} (${s.id})` : s.title }))
}

/** One policy target: whom it applies to, how long, its warning and what its breach does. */
export const PolicyTargetCard = memo(function PolicyTargetCard({
  target,
  index,
  n,
  steps,
  roles,
  channels,
  sopCalendar,
  issues,
  canMoveUp,
  onChange,
  onMoveUp,
  onRemove,
}: {
  target: PolicyTarget
  index: number
  /** Its number among its metric's targets, from 1. */
  n: number
  steps: Doc['steps']
  roles: string[]
  channels: string[]
  sopCalendar: string | undefined
  issues: Partial<Record<TargetField, string>>
  canMoveUp: boolean
  /** `typed`: the edit is typing in a text field (joined into one undo step with more typing there). */
  onChange: (index: number, patch: Partial<PolicyTarget>, typed?: boolean) => void
  onMoveUp: (index: number) => void
  onRemove: (index: number) => void
}) {
  const { t } = useTranslation('designer')
  const roleName = useRoleName()
  const id = useId()
  const name = `policy-${target.metric}-${n}`
  const set = (patch: Partial<PolicyTarget>, typed = false) => onChange(index, patch, typed)
  const [warnText, setWarnText] = useState(percentOf(target.warnAt))
  const [warnError, setWarnError] = useState(false)
  const wrote = useRef(target.warnAt)
  useEffect(() => {
    if (target.warnAt === wrote.current) return
    wrote.current = target.warnAt
    setWarnText(percentOf(target.warnAt))
    setWarnError(false)
  }, [target.warnAt])
  const chosen = target.priorities ?? []
  const offeredRoles = [
    ...new Set([...roles, ...[target.notify, target.warnNotify].filter((r): r is string => Boolean(r))]),
  ]
  const stepsOffered = stepChoices(steps)
  const known = new Set(stepsOffered.map((s) => s.id))
  const roleOptions = offeredRoles.map((r) => (
    <option key={r} value={r}>
      {roleName(r)}
    </option>
  ))
  const channelList = [...new Set([...channels, ...(target.channels ?? [])])]
  return (
    <fieldset className="policy-target" data-testid="policy-target" data-metric={target.metric} data-n={n}>
      <legend>{t('time.target', { n })}</legend>
      <fieldset className="chips">
        <legend>{t('time.priorities')}</legend>
        {PRIORITIES.map((p) => (
          <label key={p} className="inline">
            <input
              type="checkbox"
              name={`${name}-priority-${p}`}
              checked={chosen.includes(p)}
              onChange={(e) =>
                set({
                  priorities: e.target.checked
                    ? PRIORITIES.filter((x) => x === p || chosen.includes(x))
                    : chosen.filter((x) => x !== p),
                })
              }
            />
            {t(`time.priority.${p}`)}
          </label>
        ))}
        {!chosen.length && <p className="muted small">{t('time.everyPriority')}</p>}
      </fieldset>
      {target.channels && (
        <fieldset className="chips">
          <legend>{t('time.channels')}</legend>
          {channelList.map((c) => (
            <label key={c} className="inline">
              <input
                type="checkbox"
                name={`${name}-channel-${c}`}
                checked={target.channels?.includes(c) ?? false}
                onChange={(e) =>
                  set({
                    channels: e.target.checked
                      ? [...(target.channels ?? []), c]
                      : (target.channels ?? []).filter((x) => x !== c),
                  })
                }
              />
              {c}
            </label>
          ))}
          {issues.channels && <p className="issue error">{issues.channels}</p>}
        </fieldset>
      )}
      <DurationInput
        label={t('time.due')}
        name={`${name}-due`}
        value={target.due}
        onChange={(due) => set({ due }, true)}
      />
      {issues.due && <p className="issue error">{issues.due}</p>}
      <ClockFields
        name={name}
        value={{ time: target.time, calendar: target.calendar }}
        sopCalendar={sopCalendar}
        issue={issues.calendar}
        onChange={(clock) => set({ time: clock.time, calendar: clock.calendar })}
      />
      <div className="row wrap">
        <div>
          <label htmlFor={`${id}-warn`}>{t('time.warnAt')}</label>
          <div className="row">
            <input
              id={`${id}-warn`}
              name={`${name}-warn`}
              type="number"
              inputMode="decimal"
              min={1}
              max={99}
              className={warnError || issues.warnAt ? 'percent is-invalid' : 'percent'}
              aria-invalid={warnError || Boolean(issues.warnAt)}
              aria-describedby={warnError ? `${id}-warn-error` : undefined}
              value={warnText}
              onChange={(e) => {
                setWarnText(e.target.value)
                const r = readPercent(e.target.value)
                setWarnError(!r.ok)
                if (r.ok) {
                  wrote.current = r.share
                  set({ warnAt: r.share, ...(r.share === undefined ? { warnNotify: undefined } : {}) }, true)
                }
              }}
            />
            <span aria-hidden="true">%</span>
          </div>
        </div>
        {target.warnAt !== undefined && (
          <div className="warn-notify">
            <label htmlFor={`${id}-warn-notify`}>{t('time.warnNotify')}</label>
            <select
              id={`${id}-warn-notify`}
              name={`${name}-warn-notify`}
              value={target.warnNotify ?? ''}
              onChange={(e) => set({ warnNotify: e.target.value || undefined })}
            >
              <option value="">{t('time.assignee')}</option>
              {roleOptions}
            </select>
          </div>
        )}
      </div>
      {warnError && (
        <p id={`${id}-warn-error`} className="issue error" role="alert">
          {t('time.warnRange')}
        </p>
      )}
      {issues.warnAt && <p className="issue error">{issues.warnAt}</p>}
      <fieldset className="breach">
        <legend>{t('time.onBreach')}</legend>
        <label htmlFor={`${id}-notify`}>{t('time.notify')}</label>
        <select
          id={`${id}-notify`}
          name={`${name}-notify`}
          value={target.notify ?? ''}
          onChange={(e) => set({ notify: e.target.value || undefined })}
        >
          <option value="">{t('inspector2.noNotify')}</option>
          {roleOptions}
        </select>
        <label htmlFor={`${id}-escalate`}>{t('time.escalateTo')}</label>
        <select
          id={`${id}-escalate`}
          name={`${name}-escalate`}
          value={target.escalateTo ?? ''}
          className={issues.escalateTo ? 'is-invalid' : ''}
          onChange={(e) => set({ escalateTo: e.target.value || undefined })}
        >
          <option value="">{t('inspector2.noEscalation')}</option>
          {target.escalateTo && !known.has(target.escalateTo) && (
            <option value={target.escalateTo}>{target.escalateTo}</option>
          )}
          {stepsOffered.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        {issues.escalateTo && <p className="issue error">{issues.escalateTo}</p>}
        <label htmlFor={`${id}-raise`}>{t('time.raisePriority')}</label>
        <select
          id={`${id}-raise`}
          name={`${name}-raise`}
          value={target.raisePriority ?? ''}
          onChange={(e) =>
            set({ raisePriority: (e.target.value || undefined) as PolicyTarget['raisePriority'] })
          }
        >
          <option value="">{t('time.keepPriority')}</option>
          {RAISE_TO.map((p) => (
            <option key={p} value={p}>
              {t(`time.priority.${p}`)}
            </option>
          ))}
        </select>
      </fieldset>
      {issues.other && <p className="issue error">{issues.other}</p>}
      <div className="row wrap">
        {canMoveUp && (
          <button type="button" onClick={() => onMoveUp(index)}>
            ↑ {t('time.moveUp')}
          </button>
        )}
        <button type="button" className="link" onClick={() => onRemove(index)}>
          {t('time.removeTarget')}
        </button>
      </div>
    </fieldset>
  )
})
