import { memo, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { StepFigure } from '../api/metrics.ts'
import { AuditDiagram } from '../audit/AuditDiagram.tsx'
import type { DocShape } from '../flow/toFlow.ts'
import { formatDuration } from '../ui/format.ts'

/** The SOP as a heatmap of where tickets get stuck, with the counts on every step (ends and decisions too). */
function HeatmapView({ document, steps }: { document: DocShape; steps: StepFigure[] }) {
  const { t } = useTranslation('insight')
  const focus = useMemo(() => (document.initial ? [document.initial] : []), [document])
  const { heat, badges } = useMemo(() => {
    const maxAvg = Math.max(1, ...steps.map((s) => s.avgMs ?? 0))
    return {
      heat: Object.fromEntries(
        steps.map((s) => [s.stepId, Math.min(1, (s.avgMs ?? 0) / maxAvg + (s.breaches ? 0.3 : 0))]),
      ),
      badges: Object.fromEntries(
        steps.map((s) => [
          s.stepId,
          [
            `${s.count}×`,
            s.avgMs !== null && s.kind !== 'end' && s.kind !== 'decision' ? formatDuration(s.avgMs) : '',
            s.breaches ? `${s.breaches}⚠` : '',
            s.current ? `${s.current}●` : '',
          ]
            .filter(Boolean)
            .join(' · '),
        ]),
      ),
    }
  }, [steps])
  return (
    <section className="card heatmap" data-testid="heatmap">
      <h3>{t('heatmap.title')}</h3>
      <p className="muted small">{t('heatmap.hint')}</p>
      <AuditDiagram
        document={document}
        focus={focus}
        heat={heat}
        badges={badges}
        height={620}
        fitLabel={t('heatmap.title')}
      />
      <div className="table-scroll">
        <table className="table small">
          <thead>
            <tr>
              <th>{t('heatmap.step')}</th>
              <th>{t('heatmap.visits')}</th>
              <th>{t('heatmap.avgTime')}</th>
              <th>{t('heatmap.avgBusiness')}</th>
              <th>{t('heatmap.breaches')}</th>
              <th>{t('heatmap.now')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.stepId}>
                <td>{s.title}</td>
                <td>{s.count}</td>
                <td>{formatDuration(s.avgMs)}</td>
                <td data-business={s.stepId}>{formatDuration(s.avgBusinessMs)}</td>
                <td>{s.breaches}</td>
                <td>{s.current}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export const Heatmap = memo(HeatmapView)
