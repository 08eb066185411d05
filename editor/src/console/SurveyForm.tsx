import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client.ts'
import { addSurvey } from '../api/customers.ts'

const SCALES = { csat: [1, 5], nps: [0, 10], ces: [1, 7] } as const

/** Records the customer's answers to the satisfaction survey (CSAT 1–5, NPS 0–10, CES 1–7). */
export function SurveyForm({
  customerId,
  ticketId,
  onSaved,
}: {
  customerId: string
  ticketId: string
  onSaved: () => void
}) {
  const { t } = useTranslation('console')
  const [values, setValues] = useState<Record<keyof typeof SCALES, string>>({ csat: '', nps: '', ces: '' })
  const [comment, setComment] = useState('')
  const [message, setMessage] = useState('')
  const num = (v: string) => (v === '' ? null : Number(v))
  return (
    <form
      className="survey"
      aria-label={t('survey.title')}
      onSubmit={async (e) => {
        e.preventDefault()
        try {
          await addSurvey(customerId, {
            ticketId,
            csat: num(values.csat),
            nps: num(values.nps),
            ces: num(values.ces),
            comment: comment || null,
          })
          setMessage(t('survey.saved'))
          setValues({ csat: '', nps: '', ces: '' })
          setComment('')
          onSaved()
        } catch (err) {
          setMessage(err instanceof ApiError ? err.message : String(err))
        }
      }}
    >
      <h4>{t('survey.title')}</h4>
      <div className="row">
        {(Object.keys(SCALES) as (keyof typeof SCALES)[]).map((k) => (
          <label key={k}>
            {k.toUpperCase()} ({SCALES[k][0]}–{SCALES[k][1]})
            <select
              name={`survey-${k}`}
              value={values[k]}
              onChange={(e) => setValues({ ...values, [k]: e.target.value })}
            >
              <option value="">—</option>
              {Array.from({ length: SCALES[k][1] - SCALES[k][0] + 1 }, (_, i) => SCALES[k][0] + i).map(
                (n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ),
              )}
            </select>
          </label>
        ))}
      </div>
      <input
        name="survey-comment"
        placeholder={t('survey.comment')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" disabled={!values.csat && !values.nps && !values.ces}>
        {t('survey.save')}
      </button>
      {message && (
        <p className="small" role="status">
          {message}
        </p>
      )}
    </form>
  )
}
