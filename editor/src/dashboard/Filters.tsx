import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { MetricOptions } from '../api/metrics.ts'
import { CHANNELS } from '../audit/choices.ts'
import { SopVersionSelects } from '../ui/SopVersionSelects.tsx'
import { PRESETS } from './presets.ts'
import type { DashboardFilter } from './useDashboard.ts'

/** Period presets (or custom dates) and the SOP, version, channel and team choices. */
function FiltersView(props: {
  filter: DashboardFilter
  options: MetricOptions | null
  set: (key: keyof DashboardFilter, value: string) => void
}) {
  const { t } = useTranslation(['insight', 'console'])
  const { filter, options, set } = props
  const on = (k: keyof DashboardFilter) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    set(k, e.target.value)
  return (
    <div className="card dashboard-filters">
      <fieldset className="presets">
        <legend>{t('filters.period')}</legend>
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className={filter.preset === p ? 'is-on' : ''}
            aria-pressed={filter.preset === p}
            data-preset={p}
            onClick={() => set('preset', p)}
          >
            {t(`filters.${p}`)}
          </button>
        ))}
      </fieldset>
      <div className="filters">
        <label>
          {t('filters.from')}
          <input
            type="date"
            name="from"
            value={filter.from}
            onChange={(e) => {
              set('from', e.target.value)
              set('preset', 'custom')
            }}
          />
        </label>
        <label>
          {t('filters.to')}
          <input
            type="date"
            name="to"
            value={filter.to}
            onChange={(e) => {
              set('to', e.target.value)
              set('preset', 'custom')
            }}
          />
        </label>
        <SopVersionSelects
          sops={options?.sops ?? []}
          sop={filter.sop}
          version={filter.version}
          onSop={on('sop')}
          onVersion={on('version')}
          labels={{ sop: t('filters.sop'), version: t('filters.version'), all: t('filters.all') }}
        />
        <label>
          {t('filters.channel')}
          <select name="channel" value={filter.channel} onChange={on('channel')}>
            <option value="">{t('filters.all')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`console:channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filters.team')}
          <select name="team" value={filter.team} onChange={on('team')}>
            <option value="">{t('filters.all')}</option>
            {(options?.teams ?? []).map((team) => (
              <option key={team} value={team}>
                {team}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="agentSurveys"
            checked={filter.agentSurveys !== 'exclude'}
            onChange={(e) => set('agentSurveys', e.target.checked ? '' : 'exclude')}
          />
          {t('filters.agentSurveys')}
        </label>
      </div>
    </div>
  )
}

export const Filters = memo(FiltersView)
