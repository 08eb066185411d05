import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { OUTCOMES } from '../../../../engine/document.ts'
import { Markdown } from '../../ui/Markdown.tsx'
import { diagnosticText } from '../diagnosticText.ts'
import { IdField } from '../IdField.tsx'
import { PausesClocks } from '../time/PausesClocks.tsx'
import { slaCalendarIssue } from '../time/timeIssues.ts'
import type { Designer, Step } from '../useDesigner.ts'
import { ChecklistEditor } from './ChecklistEditor.tsx'
import { RolesInput } from './RolesInput.tsx'
import { SlaSection } from './SlaSection.tsx'
import { TeamSelect } from './TeamSelect.tsx'
import { useKnownRoles } from './useKnownRoles.ts'

const WORK = new Set(['task', 'wait', 'decision'])

/** Edits one step: title, outcome or first child, instructions, checklist, fields, roles, SLA. */
export function StepForm({ d, step }: { d: Designer; step: Step }) {
  const { t } = useTranslation('designer')
  const id = useId()
  const [preview, setPreview] = useState(false)
  const roles = useKnownRoles(d.doc)
  const set = (patch: Partial<Step>) => d.updateStep(step.id, patch)
  // Problems of a field shown at that field are not repeated above.
  const issues = d.problems.filter((p) => p.stepId === step.id && p.property !== 'sla.calendar')
  const children = d.doc.steps.filter((s) => s.parent === step.id)
  return (
    <form className="inspector" aria-label={t('inspector.step')} onSubmit={(e) => e.preventDefault()}>
      <h3>{t(`kinds.${step.kind}.name`)}</h3>
      {issues.map((p) => (
        <p key={p.code + p.message} className={`issue ${p.severity}`}>
          {diagnosticText(t, p, d.doc)}
        </p>
      ))}
      <label>
        {t('inspector.title')}
        <input name="step-title" value={step.title} onChange={(e) => set({ title: e.target.value })} />
      </label>
      {step.kind === 'end' && !step.parent && (
        <label>
          {t('inspector.outcome')}
          <select
            name="step-outcome"
            value={step.outcome ?? ''}
            onChange={(e) => set({ outcome: e.target.value || undefined })}
          >
            <option value="">—</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      )}
      {step.kind === 'group' && (
        <label>
          {t('inspector.initial')}
          <select
            name="step-initial"
            value={step.initial ?? ''}
            onChange={(e) => set({ initial: e.target.value || undefined })}
          >
            <option value="">—</option>
            {children.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {!step.parent && (
        <label className="inline">
          <input
            type="checkbox"
            checked={d.doc.initial === step.id}
            onChange={() => d.setMeta({ initial: step.id })}
          />{' '}
          {t('inspector.isStart')}
        </label>
      )}
      {WORK.has(step.kind) && (
        <>
          <div className="label-row">
            <label htmlFor={`${id}-instructions`}>{t('inspector.instructions')}</label>
            <button
              type="button"
              className="link"
              aria-pressed={preview}
              onClick={() => setPreview((p) => !p)}
            >
              {preview ? t('inspector.edit') : t('inspector.preview')}
            </button>
          </div>
          {preview ? (
            <Markdown text={step.instructions ?? ''} className="preview" />
          ) : (
            <textarea
              id={`${id}-instructions`}
              name="step-instructions"
              rows={6}
              value={step.instructions ?? ''}
              onChange={(e) => set({ instructions: e.target.value })}
            />
          )}
          <ChecklistEditor items={step.checklist ?? []} onChange={(checklist) => set({ checklist })} />
          <fieldset>
            <legend>{t('inspector.requiredFields')}</legend>
            {(d.doc.fields ?? []).map((f) => (
              <label key={f.name} className="inline">
                <input
                  type="checkbox"
                  checked={(step.requiredFields ?? []).includes(f.name)}
                  onChange={(e) =>
                    set({
                      requiredFields: e.target.checked
                        ? [...(step.requiredFields ?? []), f.name]
                        : (step.requiredFields ?? []).filter((x) => x !== f.name),
                    })
                  }
                />{' '}
                {f.label}
              </label>
            ))}
          </fieldset>
          <RolesInput
            legend={t('inspector.roles')}
            hint={t('inspector2.rolesAny')}
            known={roles.roles}
            failed={roles.failed}
            value={step.roles}
            onChange={(r) => set({ roles: r.length ? r : undefined })}
          />
          <TeamSelect value={step.team} onChange={(team) => set({ team })} />
        </>
      )}
      {step.kind === 'wait' && (
        <PausesClocks
          value={Boolean(step.pausesClocks)}
          onChange={(on) => set({ pausesClocks: on || undefined })}
        />
      )}
      <SlaSection
        step={step}
        steps={d.doc.steps}
        roles={roles.roles}
        sopCalendar={typeof d.doc.calendar === 'string' ? d.doc.calendar : undefined}
        calendarIssue={slaCalendarIssue(t, d.problems, d.doc, step.id)}
        onChange={(sla) => set({ sla })}
      />
      <IdField d={d} kind="step" id={step.id} />
      <button type="button" className="danger" onClick={() => d.remove({ kind: 'step', ids: [step.id] })}>
        {t('inspector.delete')}
      </button>
    </form>
  )
}
