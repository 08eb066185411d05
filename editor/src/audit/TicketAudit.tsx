import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getEvidence, getHistory, verifyTicket } from '../api/audit.ts'
import { getVersion } from '../api/sops.ts'
import { getTicket } from '../api/tickets.ts'
import { SopDiagram } from '../flow/SopDiagram.tsx'
import type { DocShape } from '../flow/toFlow.ts'
import { formatTime } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'

/** One ticket's history as a timeline with a scrubber; the flowchart shows the state at that point. */
export function TicketAudit({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation('console')
  const data = useAsync(async () => {
    const view = await getTicket(ticketId)
    const [history, verification, version] = await Promise.all([
      getHistory(ticketId),
      verifyTicket(ticketId),
      getVersion(view.ticket.sopId, view.ticket.sopVersion),
    ])
    return { view, history, verification, document: version.document as DocShape }
  }, [ticketId])
  const [index, setIndex] = useState<number | null>(null)
  const history = data.data?.history ?? []
  const at = index ?? history.length - 1
  const active = useMemo(() => {
    for (let i = at; i >= 0; i--) {
      const r = history[i]?.payload?.record
      if (r) return r.to as string[]
    }
    return []
  }, [history, at])
  if (data.error) return <p className="page error">{data.error.message}</p>
  if (!data.data) return <p className="page muted">{t('loading')}</p>
  const { view, verification, document } = data.data
  const entry = history[at]
  return (
    <div className="page ticket-audit">
      <div className="page-head">
        <div>
          <a href="#/audit" className="muted">
            ← {t('audit.title')}
          </a>
          <h1>{view.ticket.subject}</h1>
          <p className="muted">
            {view.sop.title} v{view.sop.version} · {view.ticket.id}
          </p>
        </div>
        {verification.ok ? (
          <span className="badge verified" data-testid="verified">
            ✓ {t('audit.verified')}
          </span>
        ) : (
          <div className="badge failed" data-testid="verify-failed" role="alert">
            ✗ {t('audit.failed')}
            {!verification.chain.ok && (
              <p>
                {t('audit.chainBroken', {
                  seq: verification.chain.seq ?? '?',
                  reason: verification.chain.reason,
                })}
              </p>
            )}
            {!verification.replay.ok && (
              <p>
                {t('audit.replayDiverges', {
                  seq: verification.replay.seq ?? '?',
                  reason: verification.replay.reason,
                })}
              </p>
            )}
          </div>
        )}
        <button
          type="button"
          onClick={async () => {
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
          }}
        >
          {t('audit.download')}
        </button>
      </div>
      <div className="scrubber card">
        <label>
          {t('audit.scrub', { n: at + 1, total: history.length })}
          <input
            type="range"
            name="scrubber"
            min={0}
            max={Math.max(0, history.length - 1)}
            value={at}
            onChange={(e) => setIndex(Number(e.target.value))}
          />
        </label>
      </div>
      <div className="audit-layout">
        <SopDiagram document={document} active={active} height={520} />
        <ol className="timeline">
          {history.map((h, i) => (
            <li key={h.seq} className={i === at ? 'is-current' : i > at ? 'is-future' : ''}>
              <button type="button" onClick={() => setIndex(i)}>
                <span className="muted small">
                  #{h.seq} · {formatTime(h.at, i18n.language)}
                </span>{' '}
                <strong>{describe(h, t)}</strong>
                <span className="small">
                  {' '}
                  — {h.actorName} ({h.role})
                </span>
              </button>
            </li>
          ))}
        </ol>
      </div>
      {entry && (
        <section className="card entry-detail" data-testid="entry-detail">
          <h3>{describe(entry, t)}</h3>
          <p className="muted small">
            {entry.actorName} · {entry.role} · {formatTime(entry.at, i18n.language)} · hash{' '}
            {entry.hash.slice(0, 12)}…
          </p>
          {entry.payload?.record?.fieldChanges?.length > 0 && (
            <table className="table small">
              <tbody>
                {entry.payload.record.fieldChanges.map((c: { field: string; from: unknown; to: unknown }) => (
                  <tr key={c.field}>
                    <td>{c.field}</td>
                    <td>{String(c.from ?? '—')}</td>
                    <td>→ {String(c.to ?? '—')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {entry.payload?.record?.reason && <p>{entry.payload.record.reason}</p>}
          {entry.type === 'note' && <p>{entry.payload.text}</p>}
        </section>
      )}
    </div>
  )
}

function describe(
  h: { type: string; payload: any },
  t: (k: string, o?: Record<string, unknown>) => string,
): string {
  const r = h.payload?.record
  switch (h.type) {
    case 'created':
      return t('audit.kinds.created')
    case 'transition':
      return `${t('audit.kinds.action')}: ${r?.action} → ${(r?.to ?? []).join(', ')}`
    case 'timer':
      return r?.breach
        ? `${t('audit.kinds.breach')}: ${r.breach.stepId}`
        : `${t('audit.kinds.timer')} → ${(r?.to ?? []).join(', ')}`
    case 'override':
      return `${t('audit.kinds.override')} → ${r?.target}`
    case 'update':
      return t('audit.kinds.update')
    case 'note':
      return t('audit.kinds.note')
    case 'assignment':
      return t('audit.kinds.assignment')
    case 'rejected':
      return `${t('audit.kinds.rejected')}: ${h.payload?.input?.action ?? h.payload?.input?.kind ?? ''} — ${h.payload?.rejection?.message ?? ''}`
    default:
      return h.type
  }
}
