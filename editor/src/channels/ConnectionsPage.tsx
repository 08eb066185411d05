import { useTranslation } from 'react-i18next'
import type { Connection } from '../api/channels.ts'
import { listSops } from '../api/sops.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'
import { useConnections } from './useConnections.ts'

const KINDS: Connection['kind'][] = ['email', 'form', 'webhook']

function ConnectionRow({ c, cn }: { c: Connection; cn: ReturnType<typeof useConnections> }) {
  const { t } = useTranslation('console')
  const where =
    c.kind === 'form' ? `#/contact/${c.address}` : c.kind === 'webhook' ? (c.inboundUrl ?? '') : c.address
  return (
    <li className="card connection" data-testid="connection">
      <strong>{c.name}</strong> · {t(`connections.kinds.${c.kind}`)} · <code>{where}</code> · {c.sopId}
      {c.queue ? ` · ${c.queue}` : ''} · {t(`priority.${c.priority}`)}
      {!c.enabled && <span className="pill"> {t('connections.disabled')}</span>}
      {c.secret && (
        <p className="small">
          {t('connections.secret')} <code data-testid="secret">{c.secret}</code>
        </p>
      )}
      <div className="row">
        <button type="button" onClick={() => void cn.test(c)}>
          {t('connections.test')}
        </button>
        <button type="button" onClick={() => void cn.toggle(c)}>
          {c.enabled ? t('connections.disable') : t('connections.enable')}
        </button>
        {c.kind === 'webhook' && (
          <button type="button" onClick={() => void cn.rotate(c)}>
            {t('connections.rotate')}
          </button>
        )}
        <button type="button" onClick={() => void cn.remove(c)}>
          {t('connections.remove')}
        </button>
      </div>
      {cn.notice?.id === c.id && (
        <p role="status" data-testid="test-result">
          {t('connections.tested')} <a href={`#/tickets/${cn.notice.ticketId}`}>{cn.notice.reference}</a>
        </p>
      )}
    </li>
  )
}

/** `#/channels`: mailboxes, web forms and webhook connections, and where each routes to. */
export function ConnectionsPage() {
  const { t } = useTranslation('console')
  const cn = useConnections()
  const sops = useAsync(listSops, [])
  const d = cn.draft
  const published = (sops.data ?? []).filter((s) => s.latestVersion && !s.archived)
  const sopId = d.sopId || published[0]?.id || ''
  return (
    <div className="page connections-page">
      <h1>{t('connections.title')}</h1>
      <ul className="connection-list">
        {(cn.list.data ?? []).map((c) => (
          <ConnectionRow key={c.id} c={c} cn={cn} />
        ))}
      </ul>
      <form
        className="card"
        aria-label={t('connections.add')}
        onSubmit={(e) => {
          e.preventDefault()
          void cn.create(sopId)
        }}
      >
        <h2>{t('connections.add')}</h2>
        <div className="grid2">
          <label>
            {t('connections.kind')}
            <select
              name="kind"
              value={d.kind}
              onChange={(e) => cn.setDraft({ ...d, kind: e.target.value as Connection['kind'] })}
            >
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`connections.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('connections.name')}
            <input
              name="name"
              value={d.name}
              onChange={(e) => cn.setDraft({ ...d, name: e.target.value })}
              required
            />
          </label>
          <label>
            {t(`connections.address.${d.kind}`)}
            <input
              name="address"
              value={d.address}
              onChange={(e) => cn.setDraft({ ...d, address: e.target.value })}
              required
            />
          </label>
          <label>
            {t('ticket.sop')}
            <select name="sop" value={sopId} onChange={(e) => cn.setDraft({ ...d, sopId: e.target.value })}>
              {published.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('connections.queue')}
            <input
              name="queue"
              value={d.queue}
              onChange={(e) => cn.setDraft({ ...d, queue: e.target.value })}
            />
          </label>
          <label>
            {t('connections.priority')}
            <select
              name="priority"
              value={d.priority}
              onChange={(e) => cn.setDraft({ ...d, priority: e.target.value })}
            >
              {['low', 'normal', 'high', 'urgent'].map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {cn.failure && (
          <p className="problem" role="alert">
            {problemText(cn.failure.problem, t)}
          </p>
        )}
        <button type="submit" className="primary" disabled={!d.name.trim() || !d.address.trim() || !sopId}>
          {t('connections.create')}
        </button>
      </form>
    </div>
  )
}
