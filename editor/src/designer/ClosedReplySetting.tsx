import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'

type ClosedReply = { mode: 'reopen' | 'followUp'; step?: string }

/** What a customer's message on a closed ticket does: a linked follow-up (default) or a reopen at a step. */
export function ClosedReplySetting({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const current = d.doc.closedReply as ClosedReply | undefined
  const mode = current?.mode ?? 'followUp'
  const steps = d.doc.steps.filter((s) => s.kind !== 'end')
  const set = (next: ClosedReply | undefined) => d.setMeta({ closedReply: next })
  return (
    <fieldset className="closed-reply">
      <legend>{t('sop.closedReply')}</legend>
      <label className="inline">
        <input
          type="radio"
          name="closed-reply"
          value="followUp"
          checked={mode === 'followUp'}
          onChange={() => set(undefined)}
        />{' '}
        {t('sop.closedReplyFollowUp')}
      </label>
      <label className="inline">
        <input
          type="radio"
          name="closed-reply"
          value="reopen"
          checked={mode === 'reopen'}
          onChange={() => set({ mode: 'reopen', step: d.doc.initial })}
        />{' '}
        {t('sop.closedReplyReopen')}
      </label>
      {mode === 'reopen' && (
        <label>
          {t('sop.closedReplyStep')}
          <select
            name="closed-reply-step"
            value={current?.step ?? d.doc.initial}
            onChange={(e) => set({ mode: 'reopen', step: e.target.value })}
          >
            {steps.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title || s.id}
              </option>
            ))}
          </select>
        </label>
      )}
    </fieldset>
  )
}
