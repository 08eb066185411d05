import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Load, Workload } from '../api/metrics.ts'
import { formatDuration } from '../ui/format.ts'

function LoadTable({ rows, kind }: { rows: Load[]; kind: 'agent' | 'team' }) {
  const { t } = useTranslation('insight')
  return (
    <table className="table small" data-testid={`workload-${kind}s`}>
      <thead>
        <tr>
          <th>{t(`workload.${kind}`)}</th>
          <th>{t('workload.open')}</th>
          <th>{t('workload.overdue')}</th>
          <th>{t('workload.oldest')}</th>
          <th>{t('workload.avgAge')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id ?? ''}>
            <td>{r.name ?? t(kind === 'agent' ? 'workload.nobody' : 'workload.noTeam')}</td>
            <td>{r.open}</td>
            <td className={r.overdue ? 'is-overdue' : ''}>{r.overdue}</td>
            <td>{formatDuration(r.oldestMs)}</td>
            <td>{formatDuration(r.avgAgeMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Open tickets per agent and per team, so that the supervisor can rebalance. */
function WorkloadPanelView({ workload }: { workload: Workload }) {
  const { t } = useTranslation('insight')
  return (
    <section className="card workload" data-testid="workload">
      <h3>{t('workload.title')}</h3>
      <p className="muted small">{t('workload.hint')}</p>
      {workload.total === 0 ? (
        <p className="muted">{t('workload.none')}</p>
      ) : (
        <div className="workload-tables">
          <div className="table-scroll">
            <h4>{t('workload.agents')}</h4>
            <LoadTable rows={workload.agents} kind="agent" />
          </div>
          <div className="table-scroll">
            <h4>{t('workload.teams')}</h4>
            <LoadTable rows={workload.teams} kind="team" />
          </div>
        </div>
      )}
    </section>
  )
}

export const WorkloadPanel = memo(WorkloadPanelView)
