import { memo } from 'react'

/** A small SVG bar chart. */
function BarChartView({ data }: { data: { label: string; value: number }[] }) {
  const max = Math.max(1, ...data.map((d) => d.value))
  const w = 320
  const h = 160
  const bw = data.length ? Math.min(48, (w - 20) / data.length - 8) : 0
  return (
    <svg
      viewBox={`0 0 ${w} ${h + 30}`}
      className="bar-chart"
      role="img"
      aria-label={data.map((d) => `${d.label}: ${d.value}`).join(', ')}
    >
      {data.map((d, i) => {
        const bh = (d.value / max) * h
        const x = 10 + i * (bw + 8)
        return (
          <g key={d.label}>
            <rect x={x} y={h - bh} width={bw} height={bh} rx={3} fill="#2563eb" />
            <text x={x + bw / 2} y={h - bh - 4} textAnchor="middle" fontSize="11">
              {d.value}
            </text>
            <text x={x + bw / 2} y={h + 14} textAnchor="middle" fontSize="10">
              {d.label.length > 10 ? `${d.label.slice(0, 9)}…` : d.label}
            </text>
          </g>
        )
      })}
      {!data.length && (
        <text x={w / 2} y={h / 2} textAnchor="middle" fontSize="12" fill="#64748b">
          —
        </text>
      )}
    </svg>
  )
}

export const BarChart = memo(BarChartView)
