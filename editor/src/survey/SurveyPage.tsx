import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { SCALES, type Scale, useSurveyPage } from './useSurveyPage.ts'
import './survey.css'

const LANGS = new Set(['en', 'vi', 'cs'])
/** The survey's language (its SOP's); before it is known, the browser's when sopflow speaks it. */
function lang(l: string | undefined): string {
  const browser = (typeof navigator !== 'undefined' ? navigator.language : '').slice(0, 2)
  return l && LANGS.has(l) ? l : LANGS.has(browser) ? browser : 'en'
}

/** One question: a row of numbered choices with the words at both ends of the scale. */
function ScaleQuestion(props: {
  scale: Scale
  value: number | null
  onPick: (v: number) => void
  t: TFunction
}) {
  const { scale, value, onPick, t } = props
  const [lo, hi] = SCALES[scale]
  return (
    <fieldset className="survey-scale" data-scale={scale}>
      <legend>{t(`customerSurvey.${scale}.question`)}</legend>
      <div className="survey-choices">
        {Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).map((n) => (
          <label key={n} className={value === n ? 'is-on' : ''}>
            <input
              type="radio"
              name={`survey-${scale}`}
              value={n}
              checked={value === n}
              onChange={() => onPick(n)}
            />
            <span>{n}</span>
          </label>
        ))}
      </div>
      <div className="survey-ends muted small" aria-hidden="true">
        <span>{t(`customerSurvey.${scale}.low`)}</span>
        <span>{t(`customerSurvey.${scale}.high`)}</span>
      </div>
    </fieldset>
  )
}

/** `#/survey/<token>`: the customer answers the satisfaction survey they were invited to, no account. */
export function SurveyPage({ token }: { token: string }) {
  const { i18n } = useTranslation()
  const s = useSurveyPage(token)
  const data = s.invitation.data
  const language = lang(data?.language)
  const t = i18n.getFixedT(language, 'console')
  const tc = i18n.getFixedT(language, 'common')
  const error = s.invitation.error as (Error & { problem?: { code?: string } }) | null
  if (error)
    return (
      <p className="page public-page error" role="alert" data-testid="survey-closed">
        {error.problem?.code ? problemText(error.problem, tc) : t('customerSurvey.invalid')}
      </p>
    )
  if (!data) return <p className="page muted">{t('loading')}</p>
  if (s.done || data.answered)
    return (
      <div className="page public-page card" data-testid="survey-done">
        <h1>{t(s.done ? 'customerSurvey.thanks' : 'customerSurvey.answered')}</h1>
      </div>
    )
  return (
    <form
      className="page public-page card survey-page"
      lang={language}
      aria-label={t('customerSurvey.title')}
      onSubmit={(e) => {
        e.preventDefault()
        void s.send()
      }}
    >
      <h1>{t('customerSurvey.title')}</h1>
      <p>
        {t('customerSurvey.about')} <strong>{data.ticketSubject}</strong>
      </p>
      {(Object.keys(SCALES) as Scale[]).map((k) => (
        <ScaleQuestion key={k} scale={k} value={s.scores[k]} onPick={(v) => s.score(k, v)} t={t} />
      ))}
      <label>
        {t('customerSurvey.comment')}
        <textarea name="comment" rows={4} value={s.comment} onChange={(e) => s.setComment(e.target.value)} />
      </label>
      {s.failure && (
        <p className="problem" role="alert">
          {s.failure.problem ? problemText(s.failure.problem, tc) : s.failure.message}
        </p>
      )}
      <p className="muted small">
        {t('customerSurvey.until', { date: formatTime(data.expiresAt, language) })}
      </p>
      <button type="submit" className="primary" disabled={s.busy}>
        {t('customerSurvey.send')}
      </button>
    </form>
  )
}
