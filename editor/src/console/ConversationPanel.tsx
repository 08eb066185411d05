import { useTranslation } from 'react-i18next'
import { type ConversationMessage, downloadAttachment, ticketReference } from '../api/channels.ts'
import { ApiError } from '../api/client.ts'
import type { FilledTemplate } from '../api/tickets.ts'
import { formatTime } from '../ui/format.ts'
import { problemText } from '../ui/problemText.ts'
import { sanitizeMailHtml } from '../ui/sanitizeMarkdown.ts'
import { TemplatePicker } from './TemplatePicker.tsx'
import { useConversation } from './useConversation.ts'
import { withTemplate } from './useReplyTemplates.ts'

function Message({ m }: { m: ConversationMessage }) {
  const { t, i18n } = useTranslation('console')
  return (
    <li className={`message message-${m.direction}`} data-testid="message">
      <span className="muted small">
        {t(`channels.${m.channel}`, { defaultValue: m.channel })} ·{' '}
        {m.senderName ? `${m.senderName} <${m.sender}>` : m.sender} · {formatTime(m.at, i18n.language)} ·{' '}
        {t(`conversation.${m.direction}`)}
      </span>
      {m.followsTicketId && (
        <p className="small">
          {t('conversation.follows')}{' '}
          <a href={`#/tickets/${m.followsTicketId}`}>
            {m.followsReference ?? ticketReference({ id: m.followsTicketId })}
          </a>
        </p>
      )}
      {m.html ? (
        // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify, images not loaded
        <div className="message-html" dangerouslySetInnerHTML={{ __html: sanitizeMailHtml(m.html) }} />
      ) : (
        <p className="message-text">{m.text}</p>
      )}
      {m.attachments.length > 0 && (
        <ul className="attachments">
          {m.attachments.map((a) => (
            <li key={a.id}>
              {a.refused ? (
                <span className="muted">
                  {a.filename} — {t('conversation.refused', { reason: a.refused })}
                </span>
              ) : (
                <button
                  type="button"
                  className="link"
                  onClick={() => void downloadAttachment(a.id, a.filename)}
                >
                  {a.filename} ({Math.ceil(a.size / 1024)} kB)
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

/** The messages in and out with the customer, oldest first, and the agent's answer. */
export function ConversationPanel({
  ticketId,
  canReply,
  templates = [],
}: {
  ticketId: string
  canReply: boolean
  /** The SOP's reply templates for the current steps, filled in for the ticket. */
  templates?: readonly FilledTemplate[]
}) {
  const { t } = useTranslation('console')
  const conv = useConversation(ticketId)
  const messages = conv.data?.messages ?? []
  return (
    <section className="card conversation" aria-label={t('conversation.title')}>
      <h3>{t('conversation.title')}</h3>
      {messages.length === 0 && !conv.loading && <p className="muted">{t('conversation.empty')}</p>}
      <ol className="message-list">
        {messages.map((m) => (
          <Message key={m.id} m={m} />
        ))}
      </ol>
      {canReply && (
        <>
          <textarea
            name="reply"
            rows={3}
            value={conv.draft}
            onChange={(e) => conv.setDraft(e.target.value)}
            placeholder={t('conversation.placeholder')}
          />
          {conv.failure && (
            <p className="problem" role="alert">
              {conv.failure instanceof ApiError ? problemText(conv.failure.problem, t) : conv.failure.message}
            </p>
          )}
          <div className="row">
            <TemplatePicker
              name="conversation-template"
              templates={templates}
              onPick={(text) => conv.setDraft(withTemplate(conv.draft, text))}
            />
            <button
              type="button"
              className="primary"
              disabled={conv.busy || !conv.draft.trim()}
              onClick={() => void conv.send()}
            >
              {t('conversation.send')}
            </button>
          </div>
        </>
      )}
    </section>
  )
}
