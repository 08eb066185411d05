import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Markdown } from '../ui/Markdown.tsx'
import { diagnosticText } from './diagnosticText.ts'
import { IdField } from './IdField.tsx'
import { stepTitle } from './names.ts'
import { SopPanel } from './SopPanel.tsx'
import type { Designer, Step, Transition } from './useDesigner.ts'

/** Edits the selected step or transition; with nothing selected, the SOP itself. */
export function Inspector({ d }: { d: Designer }) {
  const sel = d.selection
  if (sel?.kind === 'step' && sel.ids.length === 1) {
    const step = d.doc.steps.find((s) => s.id === sel.ids[0])
    if (step) return <StepForm key={`s${d.doc.steps.indexOf(step)}`} d={d} step={step} />
  }
  if (sel?.kind === 'transition' && sel.ids.length === 1) {
    const t = d.doc.transitions.find((x) => x.id === sel.ids[0])
    if (t) return <TransitionForm key={`t${d.doc.transitions.indexOf(t)}`} d={d} t={t} />
  }
  return <SopPanel d={d} />
}

const ROLES = ['agent', 'senior_agent', 'supervisor']
const OUTCOMES = ['resolved', 'escalated', 'cancelled', 'no_response', 'transferred', 'sold', 'lost']

function StepForm({ d, step }: { d: Designer; step: Step }) {
  const { t } = useTranslation('designer')
  const [preview, setPreview] = useState(false)
  const set = (patch: Partial<Step>) => d.updateStep(step.id, patch)
  const issues = d.problems.filter((p) => p.stepId === step.id)
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
      {['task', 'wait', 'decision'].includes(step.kind) && (
        <>
          <label>
            {t('inspector.instructions')}{' '}
            <button type="button" className="link" onClick={() => setPreview((p) => !p)}>
              {preview ? t('inspector.edit') : t('inspector.preview')}
            </button>
            {preview ? (
              <Markdown text={step.instructions ?? ''} className="preview" />
            ) : (
              <textarea
                name="step-instructions"
                rows={6}
                value={step.instructions ?? ''}
                onChange={(e) => set({ instructions: e.target.value })}
              />
            )}
          </label>
          <fieldset>
            <legend>{t('inspector.checklist')}</legend>
            {(step.checklist ?? []).map((c, i) => (
              <div key={c.id} className="row">
                <input
                  value={c.text}
                  aria-label={t('inspector.checklist')}
                  onChange={(e) =>
                    set({
                      checklist: (step.checklist ?? []).map((x, j) =>
                        j === i ? { ...x, text: e.target.value } : x,
                      ),
                    })
                  }
                />
                <label className="inline small">
                  <input
                    type="checkbox"
                    checked={c.required}
                    onChange={(e) =>
                      set({
                        checklist: (step.checklist ?? []).map((x, j) =>
                          j === i ? { ...x, required: e.target.checked } : x,
                        ),
                      })
                    }
                  />
                  {t('inspector.required')}
                </label>
                <button
                  type="button"
                  aria-label={t('inspector.remove')}
                  onClick={() => set({ checklist: (step.checklist ?? []).filter((_, j) => j !== i) })}
                >
                  ×
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() =>
                set({
                  checklist: [
                    ...(step.checklist ?? []),
                    {
                      id: `item${(step.checklist?.length ?? 0) + 1}`,
                      text: t('inspector.newItem'),
                      required: true,
                    },
                  ],
                })
              }
            >
              + {t('inspector.addItem')}
            </button>
          </fieldset>
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
          <fieldset>
            <legend>{t('inspector.roles')}</legend>
            {ROLES.map((r) => (
              <label key={r} className="inline">
                <input
                  type="checkbox"
                  checked={(step.roles ?? []).includes(r)}
                  onChange={(e) =>
                    set({
                      roles: e.target.checked
                        ? [...(step.roles ?? []), r]
                        : (step.roles ?? []).filter((x) => x !== r),
                    })
                  }
                />{' '}
                {r}
              </label>
            ))}
          </fieldset>
          <fieldset id="inspector-sla">
            <legend>SLA</legend>
            <label>
              {t('inspector.slaDue')}
              <input
                name="step-sla"
                placeholder="PT2H"
                value={step.sla?.due ?? ''}
                onChange={(e) =>
                  set({ sla: e.target.value ? { ...step.sla, due: e.target.value } : undefined })
                }
              />
            </label>
            {step.sla && (
              <>
                <label>
                  {t('inspector.escalateTo')}
                  <select
                    value={step.sla.escalateTo ?? ''}
                    onChange={(e) => set({ sla: { ...step.sla!, escalateTo: e.target.value || undefined } })}
                  >
                    <option value="">—</option>
                    {d.doc.steps
                      .filter((s) => s.id !== step.id)
                      .map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.title}
                        </option>
                      ))}
                  </select>
                </label>
                <label>
                  {t('inspector.notify')}
                  <select
                    value={step.sla.notify ?? ''}
                    onChange={(e) => set({ sla: { ...step.sla!, notify: e.target.value || undefined } })}
                  >
                    <option value="">—</option>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </label>
              </>
            )}
          </fieldset>
        </>
      )}
      <IdField d={d} kind="step" id={step.id} />
      <button type="button" className="danger" onClick={() => d.remove({ kind: 'step', ids: [step.id] })}>
        {t('inspector.delete')}
      </button>
    </form>
  )
}

function TransitionForm({ d, t: tr }: { d: Designer; t: Transition }) {
  const { t } = useTranslation('designer')
  const set = (patch: Partial<Transition>) => d.updateTransition(tr.id, patch)
  const issues = d.problems.filter((p) => p.transitionId === tr.id)
  const guardIssues = issues.filter((p) => p.code.startsWith('guard') && p.severity === 'error')
  const fields = d.doc.fields ?? []
  const trigger = tr.after !== undefined ? 'after' : tr.action !== undefined ? 'action' : 'automatic'
  return (
    <form className="inspector" aria-label={t('inspector.transition')} onSubmit={(e) => e.preventDefault()}>
      <h3>{t('inspector.transition')}</h3>
      <p className="muted small">
        {stepTitle(d.doc, tr.from)} → {stepTitle(d.doc, tr.to)}
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
            if (v === 'action') set({ action: tr.action ?? 'next', after: undefined })
            else if (v === 'after') set({ after: 'PT1H', action: undefined })
            else set({ action: undefined, after: undefined })
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
        <label>
          {t('inspector.delay')}
          <input
            name="transition-after"
            value={tr.after ?? ''}
            placeholder="P2D"
            onChange={(e) => set({ after: e.target.value })}
          />
        </label>
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
        <p key={p.message} className="issue error" data-testid="guard-error">
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
      <label>
        {t('inspector.effects')}
        <textarea
          rows={3}
          name="transition-effects"
          defaultValue={JSON.stringify(tr.effects ?? [])}
          onBlur={(e) => {
            try {
              set({ effects: JSON.parse(e.target.value) })
            } catch {}
          }}
        />
      </label>
      <IdField d={d} kind="transition" id={tr.id} />
      <button type="button" className="danger" onClick={() => d.remove({ kind: 'transition', ids: [tr.id] })}>
        {t('inspector.delete')}
      </button>
    </form>
  )
}
