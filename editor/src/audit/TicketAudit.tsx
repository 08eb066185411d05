import { memo, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getEvidence, getHistory, verifyTicket } from '../api/audit.ts'
import { ticketReference } from '../api/channels.ts'
import { getVersion } from '../api/sops.ts'
import { type AuditEntry, getTicket, type Verification } from '../api/tickets.ts'
import { listUsers } from '../api/users.ts'
import type { DocShape } from '../flow/toFlow.ts'
import { formatTime } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'
import { AuditDiagram } from './AuditDiagram.tsx'
import './audit.css'
import {
  describeEntry,
  fieldChangesOf,
  type Namer,
  namer,
  pathUpTo,
  type TimelineDoc,
  ticksOf,
} from './timeline.ts'

type T = (key: string, options?: Record<string, unknown>) => string

/** One ticket's history as a timeline with a scrubber; the flowchart shows the path taken up to that record. */
export function TicketAudit({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation(['insight', 'console'])
  const data = useAsync(async () => {
    const view = await getTicket(ticketId)
    const [history, verification, version, users] = await Promise.all([
      getHistory(ticketId),
      verifyTicket(ticketId),
      getVersion(view.ticket.sopId, view.ticket.sopVersion),
      listUsers().catch(() => []),
    ])
    return { view, history, verification, document: version.document as DocShape & TimelineDoc, users }
  }, [ticketId])
  const [index, setIndex] = useState<number | null>(null)
  const history = data.data?.history ?? []
  const at = Math.min(index ?? history.length - 1, history.length - 1)
  const path = useMemo(() => pathUpTo(history, at), [history, at])
  const names = useMemo(() => namer(data.data?.document ?? {}), [data.data])
  const userName = useMemo(() => {
    const byId = new Map((data.data?.users ?? []).map((u) => [u.id, u.name]))
    for (const h of history) byId.set(h.actorId, h.actorName)
    return (id: string) => byId.get(id) ?? id
  }, [data.data, history])
  if (data.error) return <p className="page error">{data.error.message}</p>
  if (!data.data) return <p className="page muted">{t('dashboard.loading')}</p>
  const { view, verification, document } = data.data
  const entry = history[at]
  const total = history.length
  const role = (r: string) => t(`console:roles.${r}`, { defaultValue: r })
  return (
    <div className="page ticket-audit">
      <div className="page-head">
        <div>
          <a href="#/audit" className="muted">
            ← {t('audit.title')}
          </a>
          <h1>{view.ticket.subject}</h1>
          <p className="muted">
            {view.sop.title} v{view.sop.version} ·{' '}
            <span className="ticket-number" title={view.ticket.id}>
              {ticketReference(view.ticket)}
            </span>
            {view.customer ? ` · ${view.customer.name}` : ''}
          </p>
        </div>
        <VerificationBadge verification={verification} t={t} />
        <button type="button" onClick={() => void download(ticketId)}>
          {t('console:audit.download')}
        </button>
      </div>
      <div className="scrubber card">
        <label>
          <span data-testid="record-position">{t('timeline.record', { n: at + 1, total })}</span>
          <input
            type="range"
            name="scrubber"
            min={0}
            max={Math.max(0, total - 1)}
            value={at}
            onChange={(e) => setIndex(Number(e.target.value))}
          />
        </label>
      </div>
      <div className="audit-grid">
        <div>
          <p className="path-legend">
            <span className="legend-current">{t('timeline.legendCurrent')}</span>
            <span className="legend-visited">{t('timeline.legendVisited')}</span>
            <span className="legend-traversed">{t('timeline.legendTraversed')}</span>
            <span className="muted">{t('timeline.diagramHint')}</span>
          </p>
          <AuditDiagram
            document={document}
            current={path.current}
            visited={path.visited}
            traversed={path.traversed}
            height={600}
            fitLabel={t('timeline.diagramHint')}
          />
        </div>
        <ol className="audit-timeline" aria-label={t('audit.title')}>
          {history.map((h, i) => (
            <TimelineItem
              key={h.seq}
              entry={h}
              index={i}
              state={i === at ? 'current' : i > at ? 'future' : 'past'}
              names={names}
              userName={userName}
              onSelect={setIndex}
            />
          ))}
        </ol>
      </div>
      {entry && (
        <section className="card entry-detail" data-testid="entry-detail">
          <p className="muted small">{t('timeline.record', { n: at + 1, total })}</p>
          <h3>{describeEntry(entry, names, t, userName)}</h3>
          <p className="muted small">
            {t('timeline.by', { name: entry.actorName, role: role(entry.role) })} ·{' '}
            {formatTime(entry.at, i18n.language)} · {t('timeline.hash')} {entry.hash.slice(0, 12)}…
          </p>
          <EntryDetail entry={entry} names={names} t={t} />
          <p>
            {t('timeline.nowIn')}: <strong data-testid="now-in">{names.steps(path.current)}</strong>
          </p>
        </section>
      )}
    </div>
  )
}

async function download(ticketId: string) {
  const bundle = await getEvidence(ticketId)
  const url = URL.createObjectURL(
    // Exactly the bundle's bytes (canonical JSON): any other spacing is refused by verifiers.
    new Blob([JSON.stringify(bundle)], { type: 'application/json' }),
  )
  const a = window.document.createElement('a')
  a.href = url
  a.download = `sopflow-evidence-${ticketId}.json`
  a.click()
  URL.revokeObjectURL(url)
}

function VerificationBadge({ verification, t }: { verification: Verification; t: T }) {
  if (verification.ok)
    return (
      <span className="badge verified" data-testid="verified">
        ✓ {t('console:audit.verified')}
      </span>
    )
  return (
    <div className="badge failed" data-testid="verify-failed" role="alert">
      ✗ {t('console:audit.failed')}
      {!verification.chain.ok && (
        <p>
          {t('console:audit.chainBroken', {
            seq: verification.chain.seq ?? '?',
            reason: verification.chain.reason,
          })}
        </p>
      )}
      {!verification.replay.ok && (
        <p>
          {t('console:audit.replayDiverges', {
            seq: verification.replay.seq ?? '?',
            reason: verification.replay.reason,
          })}
        </p>
      )}
    </div>
  )
}

const TimelineItem = memo(function TimelineItem(props: {
  entry: AuditEntry
  index: number
  state: 'past' | 'current' | 'future'
  names: Namer
  userName: (id: string) => string
  onSelect: (i: number) => void
}) {
  const { t, i18n } = useTranslation(['insight', 'console'])
  const { entry: h, index, names } = props
  const ticks = ticksOf(h, names)
  return (
    <li className={`is-${props.state}`} data-record={index + 1}>
      <button
        type="button"
        onClick={() => props.onSelect(index)}
        aria-current={props.state === 'current' || undefined}
      >
        <span className="muted small">
          {t('timeline.recordShort', { n: index + 1 })} · {formatTime(h.at, i18n.language)}
        </span>
        <strong className="timeline-title">{describeEntry(h, names, t, props.userName)}</strong>
        {ticks.length > 0 && (
          <span className="timeline-ticks small">
            {ticks.map((x) => (
              <span key={x}>☑ {x}</span>
            ))}
          </span>
        )}
        <span className="small muted">
          {t('timeline.by', {
            name: h.actorName,
            role: t(`console:roles.${h.role}`, { defaultValue: h.role }),
          })}
        </span>
      </button>
    </li>
  )
})

function EntryDetail({ entry, names, t }: { entry: AuditEntry; names: Namer; t: T }) {
  const ticks = ticksOf(entry, names)
  const changes = fieldChangesOf(entry, names)
  const reason = entry.payload?.record?.reason as string | undefined
  return (
    <>
      {ticks.length > 0 && (
        <>
          <h4>{t('timeline.ticked')}</h4>
          <ul className="ticked-list">
            {ticks.map((x) => (
              <li key={x}>☑ {x}</li>
            ))}
          </ul>
        </>
      )}
      {changes.length > 0 && (
        <>
          <h4>{t('timeline.fields')}</h4>
          <table className="table small">
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <td>{c.label}</td>
                  <td>{String(c.from ?? '—')}</td>
                  <td>→ {String(c.to ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {reason && (
        <p>
          {t('timeline.reason')}: {reason}
        </p>
      )}
      {entry.type === 'note' && <p className="note-text">{entry.payload.text}</p>}
    </>
  )
}
