import { useTranslation } from 'react-i18next'
import { diagnosticText } from '../diagnosticText.ts'
import { IdField } from '../IdField.tsx'
import { ClockFields } from '../time/ClockFields.tsx'
import { ContactWindowField } from '../time/ContactWindowField.tsx'
import { delayCalendarIssue } from '../time/timeIssues.ts'
import type { Designer, Transition } from '../useDesigner.ts'
import { DurationInput } from './DurationInput.tsx'
import { EffectsEditor } from './EffectsEditor.tsx'
import { RolesInput } from './RolesInput.tsx'
import { useKnownRoles } from './useKnownRoles.ts'

/** Edits one transition: label, trigger (action, delay, automatic), condition, roles, effects. */
export function TransitionForm({ d, t: tr }: { d: Designer; t: Transition }) {
  const { t } = useTranslation('designer')
  const roles = useKnownRoles(d.doc)
  const set = (patch: Partial<Transition>) => d.updateTransition(tr.id, patch)
  const issues = d.problems.filter((p) => p.transitionId === tr.id && p.property !== 'calendar')
  const guardIssues = issues.filter((p) => p.code.startsWith('guard') && p.severity === 'error')
  const fields = d.doc.fields ?? []
  const title = (id: string) => d.doc.steps.find((s) => s.id === id)?.title ?? id
  const trigger = tr.after !== undefined ? 'after' : tr.action !== undefined ? 'action' : 'automatic'
  return (
    <form className="inspector" aria-label={t('inspector.transition')} onSubmit={(e) => e.preventDefault()}>
      <h3>{t('inspector.transition')}</h3>
      <p className="muted small">
        {title(tr.from)} → {title(tr.to)}
      </p>
      {issues
        .filter((p) => !guardIssues.includes(p))
        .map((p) => (
          <p key={p.code + p.message} className={`issue ${p.severity}`}>
            {diagnosticText(t, p, d.doc)}
          </p>
        ))}
      <label>
        {t('inspector.label')}
        <input
          name="transition-label"
          value={tr.label ?? ''}
          onChange={(e) => set({ label: e.target.value })}
        />
      </label>
      <label>
        {t('inspector.trigger')}
        <select
          name="transition-trigger"
          value={trigger}
          onChange={(e) => {
            const v = e.target.value
            if (v === 'action')
              set({ action: tr.action ?? 'next', after: undefined, time: undefined, calendar: undefined })
            else if (v === 'after') set({ after: 'PT1H', action: undefined })
            else
              set({
                action: undefined,
                after: undefined,
                time: undefined,
                calendar: undefined,
                window: undefined,
              })
          }}
        >
          <option value="action">{t('inspector.triggers.action')}</option>
          <option value="after">{t('inspector.triggers.after')}</option>
          <option value="automatic">{t('inspector.triggers.automatic')}</option>
        </select>
      </label>
      {trigger === 'action' && (
        <label>
          {t('inspector.action')}
          <input
            name="transition-action"
            value={tr.action ?? ''}
            onChange={(e) => set({ action: e.target.value.replace(/\s+/g, '_') })}
          />
        </label>
      )}
      {trigger === 'after' && (
        <DurationInput
          label={t('inspector2.delay')}
          name="transition-after"
          value={tr.after}
          onChange={(after) => set({ after })}
        />
      )}
      {trigger === 'after' && (
        <ClockFields
          name="transition-after"
          value={{ time: tr.time, calendar: tr.calendar }}
          sopCalendar={typeof d.doc.calendar === 'string' ? d.doc.calendar : undefined}
          issue={delayCalendarIssue(t, d.problems, d.doc, tr.id)}
          onChange={(clock) => set({ time: clock.time, calendar: clock.calendar })}
        />
      )}
      {trigger !== 'automatic' && (
        <ContactWindowField
          key={trigger}
          doc={d.doc}
          delay={trigger === 'after'}
          value={tr.window}
          onChange={(window) => set({ window })}
        />
      )}
      <label>
        {t('inspector.guard')}
        <input
          name="transition-guard"
          list="guard-fields"
          value={tr.guard ?? ''}
          placeholder='ticket.fault == "company"'
          className={guardIssues.length ? 'is-invalid' : tr.guard ? 'is-valid' : ''}
          onChange={(e) => set({ guard: e.target.value || undefined })}
          spellCheck={false}
        />
        <datalist id="guard-fields">
          {fields.map((f) => (
            <option key={f.name} value={`ticket.${f.name}`}>
              {f.label}
            </option>
          ))}
        </datalist>
      </label>
      {guardIssues.map((p) => (
        <p key={diagnosticText(t, p, d.doc)} className="issue error" data-testid="guard-error">
          {diagnosticText(t, p, d.doc)}
        </p>
      ))}
      {tr.guard && !guardIssues.length && <p className="ok small">✓ {t('inspector.guardOk')}</p>}
      <p className="muted small">
        {t('inspector.fieldsHint')} {fields.map((f) => `ticket.${f.name}`).join(', ') || '—'}
      </p>
      <label className="inline">
        <input
          type="checkbox"
          checked={Boolean(tr.skipRequirements)}
          onChange={(e) => set({ skipRequirements: e.target.checked || undefined })}
        />{' '}
        {t('inspector.skip')}
      </label>
      {trigger === 'action' && (
        <RolesInput
          legend={t('inspector2.transitionRoles')}
          known={roles.roles}
          failed={roles.failed}
          value={tr.roles}
          onChange={(r) => set({ roles: r.length ? r : undefined })}
        />
      )}
      <EffectsEditor
        effects={tr.effects}
        fields={fields}
        roles={roles.roles}
        onChange={(effects) => set({ effects: effects.length ? effects : undefined })}
      />
      <IdField d={d} kind="transition" id={tr.id} />
      <button type="button" className="danger" onClick={() => d.remove({ kind: 'transition', ids: [tr.id] })}>
        {t('inspector.delete')}
      </button>
    </form>
  )
}
