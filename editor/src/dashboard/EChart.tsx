import type { BarSeriesOption } from 'echarts/charts'
import { BarChart as EBarChart } from 'echarts/charts'
import type { GridComponentOption, TooltipComponentOption } from 'echarts/components'
import { GridComponent, TooltipComponent } from 'echarts/components'
import { type ComposeOption, init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { memo, useEffect, useRef } from 'react'

// Only what the dashboard draws, on the SVG renderer: a small bundle and crisp text at any zoom.
use([EBarChart, GridComponent, TooltipComponent, SVGRenderer])

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>

/** An Apache ECharts chart: created on mount, resized with its box, disposed on unmount. */
function EChartView({
  option,
  height = 260,
  label,
}: {
  option: ChartOption
  height?: number
  label: string
}) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<ReturnType<typeof init> | null>(null)
  useEffect(() => {
    if (!box.current) return
    const c = init(box.current, undefined, { renderer: 'svg' })
    chart.current = c
    const observer = new ResizeObserver(() => c.resize())
    observer.observe(box.current)
    return () => {
      observer.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true })
  }, [option])
  return <div ref={box} className="echart" style={{ height }} role="img" aria-label={label} data-chart />
}

export const EChart = memo(EChartView)
