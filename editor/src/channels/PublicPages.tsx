import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { AskedFieldInput } from './AskedFieldInput.tsx'
import { useContactForm, useStatusPage } from './usePublicPages.ts'

const LANGS = new Set(['en', 'vi', 'cs'])

/** The visitor's language when the browser asks for one sopflow speaks, else the form's. */
function languageFor(formLanguage: string | undefined): string {
  const browser = (typeof navigator !== 'undefined' ? navigator.language : '').slice(0, 2)
  return formLanguage && LANGS.has(formLanguage) ? formLanguage : LANGS.has(browser) ? browser : 'en'
}

function Failure({ failure, t }: { failure: { problem?: object; message: string } | null; t: TFunction }) {
  if (!failure) return null
  return (
    <p className="problem" role="alert">
      {failure.problem ? problemText(failure.problem, t) : failure.message}
    </p>
  )
}

/** `#/contact/<form>`: a customer opens a request, no account needed. */
export function ContactPage({ slug }: { slug: string }) {
  const { i18n } = useTranslation()
  const f = useContactForm(slug)
  const t = i18n.getFixedT(languageFor(f.form.data?.language), 'console')
  if (f.form.error) return <p className="page error">{t('public.noForm')}</p>
  if (!f.form.data) return <p className="page muted">{t('loading')}</p>
  if (f.done) {
    const link = `${window.location.pathname}#/status/${f.done.token}`
    return (
      <div className="page public-page" data-testid="contact-done">
        <h1>{t('public.thanks')}</h1>
        <p>
          {t('public.reference')} <strong data-testid="reference">{f.done.reference}</strong>
        </p>
        <p>
          {t('public.keepLink')} <a href={link}>{t('public.statusLink')}</a>
        </p>
      </div>
    )
  }
  const v = f.values
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    f.setValues({ ...v, [k]: e.target.value })
  return (
    <form
      className="page public-page card"
      aria-label={f.form.data.title}
      onSubmit={(e) => {
        e.preventDefault()
        void f.submit()
      }}
    >
      <h1>{f.form.data.title}</h1>
      <label>
        {t('public.name')}
        <input name="name" value={v.name} onChange={set('name')} required />
      </label>
      <div className="grid2">
        <label>
          {t('public.email')}
          <input name="email" type="email" value={v.email} onChange={set('email')} />
        </label>
        <label>
          {t('public.phone')}
          <input name="phone" type="tel" value={v.phone} onChange={set('phone')} />
        </label>
      </div>
      <label>
        {t('public.subject')}
        <input name="subject" value={v.subject} onChange={set('subject')} required />
      </label>
      <label>
        {t('public.message')}
        <textarea name="message" rows={6} value={v.message} onChange={set('message')} required />
      </label>
      {f.form.data.fields.map((field) => (
        <AskedFieldInput
          key={field.name}
          field={field}
          value={f.fields[field.name] ?? ''}
          onChange={(v) => f.setFields({ ...f.fields, [field.name]: v })}
        />
      ))}
      {/* The honeypot: hidden from people, filled by bots. */}
      <label className="honeypot" aria-hidden="true">
        Website
        <input name="website" tabIndex={-1} autoComplete="off" value={v.website} onChange={set('website')} />
      </label>
      <Failure failure={f.failure} t={t} />
      <button type="submit" className="primary" disabled={f.busy}>
        {t('public.send')}
      </button>
    </form>
  )
}

/** `#/status/<token>`: the request's public status, the messages, and a reply. */
export function StatusPage({ token }: { token: string }) {
  const { i18n } = useTranslation()
  const s = useStatusPage(token)
  const lang = languageFor(s.status.data?.language)
  const t = i18n.getFixedT(lang, 'console')
  if (s.status.error) return <p className="page error">{t('public.noStatus')}</p>
  const data = s.status.data
  if (!data) return <p className="page muted">{t('loading')}</p>
  return (
    <div className="page public-page">
      <h1>{data.subject}</h1>
      <p>
        {t('public.reference')} <strong>{data.reference}</strong> ·{' '}
        <span className={`pill status-${data.status}`} data-testid="public-status">
          {t(`public.status.${data.status}`)}
        </span>
      </p>
      <ol className="message-list">
        {data.messages.map((m) => (
          <li
            key={`${m.at}-${m.direction}-${m.text.slice(0, 20)}`}
            className={`message message-${m.direction}`}
          >
            <span className="muted small">
              {m.direction === 'in' ? t('public.you') : (m.from ?? t('public.desk'))} ·{' '}
              {formatTime(m.at, lang)}
            </span>
            <p className="message-text">{m.text}</p>
          </li>
        ))}
      </ol>
      {data.status === 'open' && (
        <>
          <label>
            {t('public.reply')}
            <textarea name="reply" rows={4} value={s.reply} onChange={(e) => s.setReply(e.target.value)} />
          </label>
          <Failure failure={s.failure} t={t} />
          <button
            type="button"
            className="primary"
            disabled={s.busy || !s.reply.trim()}
            onClick={() => void s.send()}
          >
            {t('public.sendReply')}
          </button>
        </>
      )}
    </div>
  )
}
