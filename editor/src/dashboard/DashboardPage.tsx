import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getMetrics } from '../api/metrics.ts'
import { getVersion, listSops } from '../api/sops.ts'
import { SopDiagram } from '../flow/SopDiagram.tsx'
import type { DocShape } from '../flow/toFlow.ts'
import { formatDuration, percent } from '../ui/format.ts'
import { useAsync } from '../ui/useAsync.ts'
import type { Route } from '../useRoute.ts'
import { BarChart } from './BarChart.tsx'

/** The supervisor's dashboard: the seeds' metrics, charts, and the SOP as a heatmap. */
export function DashboardPage(_: { route: Route }) {
  const { t } = useTranslation('console')
  const sops = useAsync(listSops, [])
  const [f, setF] = useState({ sop: '', version: '', channel: '', team: '', from: '', to: '' })
  const metrics = useAsync(() => getMetrics(f), [f])
  // Without a chosen SOP, the heatmap shows the one most tickets ran through.
  const busiest = Object.entries(
    (metrics.data?.steps ?? []).reduce<Record<string, number>>((acc, s) => {
      acc[s.sopId] = (acc[s.sopId] ?? 0) + s.count
      return acc
    }, {}),
  ).sort((a, b) => b[1] - a[1])[0]?.[0]
  const sopId = f.sop || busiest || sops.data?.find((s) => s.latestVersion)?.id || ''
  const sopVersion = f.version
    ? Number(f.version)
    : (sops.data?.find((s) => s.id === sopId)?.latestVersion ?? null)
  const doc = useAsync(
    async () => (sopId && sopVersion ? ((await getVersion(sopId, sopVersion)).document as DocShape) : null),
    [sopId, sopVersion],
  )
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target.value })
  const m = metrics.data
  const steps = (m?.steps ?? []).filter((s) => s.sopId === sopId)
  const maxAvg = Math.max(1, ...steps.map((s) => s.avgMs ?? 0))
  const heat = Object.fromEntries(
    steps.map((s) => [s.stepId, Math.min(1, (s.avgMs ?? 0) / maxAvg + (s.breaches ? 0.3 : 0))]),
  )
  const badges = Object.fromEntries(
    steps.map((s) => [
      s.stepId,
      `${formatDuration(s.avgMs)}${s.breaches ? ` · ${s.breaches}⚠` : ''}${s.current ? ` · ${s.current}●` : ''}`,
    ]),
  )
  return (
    <div className="page dashboard">
      <h1>{t('dashboard.title')}</h1>
      <div className="filters card">
        <label>
          {t('ticket.sop')}
          <select name="sop" value={f.sop} onChange={set('sop')}>
            <option value="">{t('all')}</option>
            {(sops.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.version')}
          <input name="version" size={3} value={f.version} onChange={set('version')} />
        </label>
        <label>
          {t('ticket.channel')}
          <select name="channel" value={f.channel} onChange={set('channel')}>
            <option value="">{t('all')}</option>
            {['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms'].map((c) => (
              <option key={c} value={c}>
                {t(`channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dashboard.team')}
          <input name="team" size={8} value={f.team} onChange={set('team')} />
        </label>
        <label>
          {t('audit.from')}
          <input type="date" name="from" value={f.from} onChange={set('from')} />
        </label>
        <label>
          {t('audit.to')}
          <input type="date" name="to" value={f.to} onChange={set('to')} />
        </label>
      </div>
      {metrics.error && <p className="error">{metrics.error.message}</p>}
      {m && (
        <>
          <div className="kpis">
            <Kpi
              label={t('dashboard.tickets')}
              value={String(m.tickets)}
              hint={`${m.open} ${t('status.open')} · ${m.closed} ${t('status.closed')}`}
              id="tickets"
            />
            <Kpi label="FRT" value={formatDuration(m.frt.avgMs)} hint={t('dashboard.frt')} id="frt" />
            <Kpi label="ATHT" value={formatDuration(m.atht.avgMs)} hint={t('dashboard.atht')} id="atht" />
            <Kpi
              label="FCR"
              value={percent(m.fcr.rate)}
              hint={`${m.fcr.count}/${m.fcr.of} ${t('dashboard.fcr')}`}
              id="fcr"
            />
            <Kpi
              label={t('dashboard.sla')}
              value={percent(m.slaBreachRate)}
              hint={`${m.breaches} ${t('dashboard.breaches')}`}
              id="sla"
            />
            <Kpi
              label="CSAT"
              value={m.surveys.csat === null ? '—' : m.surveys.csat.toFixed(1)}
              hint={percent(m.surveys.csatSatisfied)}
              id="csat"
            />
            <Kpi
              label="NPS"
              value={m.surveys.nps === null ? '—' : String(m.surveys.nps)}
              hint={`${m.surveys.count} ${t('dashboard.surveys')}`}
              id="nps"
            />
            <Kpi
              label="CES"
              value={m.surveys.ces === null ? '—' : m.surveys.ces.toFixed(1)}
              hint="1–7"
              id="ces"
            />
          </div>
          <div className="charts">
            <section className="card">
              <h3>{t('dashboard.byDay')}</h3>
              <BarChart data={m.volume.byDay.map((d) => ({ label: d.day.slice(5), value: d.count }))} />
            </section>
            <section className="card">
              <h3>{t('dashboard.byChannel')}</h3>
              <BarChart
                data={Object.entries(m.volume.byChannel).map(([k, v]) => ({
                  label: t(`channels.${k}`),
                  value: v,
                }))}
              />
            </section>
            <section className="card">
              <h3>{t('dashboard.outcomes')}</h3>
              <BarChart
                data={Object.entries(m.outcomes).map(([k, v]) => ({ label: t(`outcome.${k}`), value: v }))}
              />
            </section>
          </div>
          <section className="card">
            <h3>{t('dashboard.heatmap')}</h3>
            <p className="muted small">{t('dashboard.heatmapHint')}</p>
            {doc.data && <SopDiagram document={doc.data} heat={heat} badges={badges} height={520} />}
            <table className="table small">
              <thead>
                <tr>
                  <th>{t('ticket.step')}</th>
                  <th>{t('dashboard.visits')}</th>
                  <th>{t('dashboard.avgTime')}</th>
                  <th>{t('dashboard.breaches')}</th>
                  <th>{t('dashboard.now')}</th>
                </tr>
              </thead>
              <tbody>
                {steps.map((s) => (
                  <tr key={s.stepId}>
                    <td>{s.title}</td>
                    <td>{s.count}</td>
                    <td>{formatDuration(s.avgMs)}</td>
                    <td>{s.breaches}</td>
                    <td>{s.current}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  )
}

function Kpi({ label, value, hint, id }: { label: string; value: string; hint: string; id: string }) {
  return (
    <div className="card kpi" data-kpi={id}>
      <span className="kpi-label">{label}</span>
      <strong className="kpi-value">{value}</strong>
      <span className="muted small">{hint}</span>
    </div>
  )
}
