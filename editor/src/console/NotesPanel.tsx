import { memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { FilledTemplate } from '../api/tickets.ts'
import { formatTime } from '../ui/format.ts'
import { TemplatePicker } from './TemplatePicker.tsx'
import { withTemplate } from './useReplyTemplates.ts'

/** Notes taken during the interaction, with the standard note template. A failed note keeps its text. */
function NotesPanelView(props: {
  notes: { seq: number; at: string; authorId: string; text: string; visibility: string; late?: boolean }[]
  onAdd: (text: string, visibility: 'internal' | 'customer') => Promise<boolean>
  busy: boolean
  canAdd: boolean
  /** The SOP's reply templates for the current steps, filled in for the ticket. */
  templates?: FilledTemplate[]
}) {
  const { t, i18n } = useTranslation('console')
  const [text, setText] = useState('')
  const [visibility, setVisibility] = useState<'internal' | 'customer'>('internal')
  return (
    <section className="card notes" aria-label={t('notes.title')}>
      <h3>
        {t('notes.title')} <span className="pill internal-mark">{t('notes.internalMark')}</span>
      </h3>
      <ul className="note-list">
        {props.notes.map((n) => (
          <li key={n.seq} className={`note note-${n.visibility}`}>
            <span className="muted small">
              {formatTime(n.at, i18n.language)} · {t(`notes.${n.visibility}`)}
              {n.late && <strong className="note-late"> · {t('notes.late')}</strong>}
            </span>
            <p>{n.text}</p>
          </li>
        ))}
      </ul>
      {props.canAdd && (
        <>
          <textarea
            name="note"
            id="note-text"
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('notes.placeholder')}
          />
          <div className="row">
            <button type="button" onClick={() => setText(withTemplate(text, t('notes.template')))}>
              {t('notes.useTemplate')}
            </button>
            <TemplatePicker
              name="reply-template"
              templates={props.templates ?? []}
              onPick={(picked) => {
                setText(withTemplate(text, picked))
                setVisibility('customer')
              }}
            />
            <select
              name="note-visibility"
              value={visibility}
              onChange={(e) => setVisibility(e.target.value as 'internal')}
            >
              <option value="internal">{t('notes.internal')}</option>
              <option value="customer">{t('notes.customer')}</option>
            </select>
            <button
              type="button"
              className="primary"
              disabled={props.busy || !text.trim()}
              onClick={async () => {
                if (await props.onAdd(text, visibility)) setText('')
              }}
            >
              {t('notes.add')}
            </button>
          </div>
        </>
      )}
    </section>
  )
}

export const NotesPanel = memo(NotesPanelView)
