import { memo, useMemo } from 'react'
import { type ChartOption, EChart } from './EChart.tsx'

/** A bar chart with its axes, a value above each bar and a tooltip; long labels wrap. */
function BarChartView(props: { data: { label: string; value: number }[]; valueName: string; title: string }) {
  const { data, valueName, title } = props
  const option = useMemo<ChartOption>(() => {
    const max = Math.max(1, ...data.map((d) => d.value))
    return {
      animation: false,
      // The axis labels are kept inside the chart's box, whatever their length.
      grid: {
        left: 8,
        right: 12,
        top: 28,
        bottom: 8,
        outerBoundsMode: 'same',
        outerBoundsContain: 'axisLabel',
      },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'category',
        data: data.map((d) => d.label),
        axisLabel: {
          interval: 0,
          fontSize: 12,
          color: '#334155',
          width: Math.max(48, Math.floor(560 / Math.max(1, data.length))),
          overflow: 'break',
          hideOverlap: false,
        },
        axisTick: { alignWithLabel: true },
      },
      yAxis: {
        type: 'value',
        name: valueName,
        nameTextStyle: { fontSize: 12, color: '#334155', align: 'left' },
        minInterval: 1,
        // Headroom above the tallest bar, so that its value is never cut.
        max: Math.ceil(max * 1.2),
        axisLabel: { fontSize: 12, color: '#334155' },
      },
      series: [
        {
          type: 'bar',
          name: valueName,
          data: data.map((d) => d.value),
          itemStyle: { color: '#2563eb', borderRadius: [3, 3, 0, 0] },
          barMaxWidth: 48,
          label: { show: true, position: 'top', fontSize: 12, color: '#0f172a' },
        },
      ],
    }
  }, [data, valueName])
  const summary = `${title}: ${data.map((d) => `${d.label} ${d.value}`).join(', ')}`
  return <EChart option={option} label={summary} />
}

export const BarChart = memo(BarChartView)
