import { Handle, type Node, type NodeProps, Position } from '@xyflow/react'
import { type CSSProperties, createContext, memo, useContext, useState } from 'react'
import type { StepData } from './toFlow.ts'

const ICON: Record<string, string> = {
  task: '▭',
  decision: '◇',
  wait: '⏳',
  group: '▣',
  parallel: '⫴',
  end: '◉',
}

function heatColour(heat: number): string {
  const h = Math.max(0, Math.min(1, heat))
  return `hsl(${Math.round(120 - 120 * h)} 75% ${Math.round(88 - 18 * h)}%)`
}

/** When provided (by the designer), a double-click on a step's title edits it in place. */
export const RenameContext = createContext<((id: string, title: string) => void) | null>(null)

/** One step of the flowchart; its shape says its kind. */
function StepNodeView({ id, data, selected }: NodeProps<Node<StepData>>) {
  const rename = useContext(RenameContext)
  const [editing, setEditing] = useState(false)
  const classes = [
    'step',
    `step-${data.kind}`,
    data.active ? 'is-active' : '',
    data.invalid ? 'is-invalid' : '',
    selected ? 'is-selected' : '',
    data.initial ? 'is-initial' : '',
  ].join(' ')
  const style =
    data.heat !== undefined ? ({ '--step-fill': heatColour(data.heat) } as CSSProperties) : undefined
  return (
    <div className={classes} style={style} data-step-kind={data.kind} title={data.title}>
      <Handle type="target" position={Position.Top} />
      <div className="step-body">
        <span className="step-icon" aria-hidden="true">
          {ICON[data.kind] ?? '▭'}
        </span>
        {editing && rename ? (
          <input
            className="step-title-input nodrag"
            aria-label="Title"
            defaultValue={data.title}
            // biome-ignore lint/a11y/noAutofocus: the user asked to edit this title
            autoFocus
            onBlur={(e) => {
              rename(id, e.target.value.trim() || data.title)
              setEditing(false)
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.currentTarget.blur()
              if (e.key === 'Escape') setEditing(false)
            }}
          />
        ) : (
          <span className="step-title" onDoubleClick={() => rename && setEditing(true)}>
            {data.title}
          </span>
        )}
        {data.sla && <span className="step-sla">⏱ {data.sla}</span>}
        {data.outcome && <span className="step-outcome">{data.outcome}</span>}
        {data.badge && <span className="step-badge">{data.badge}</span>}
      </div>
      {data.kind !== 'end' && <Handle type="source" position={Position.Bottom} />}
    </div>
  )
}

export const StepNode = memo(StepNodeView)

/** Node types at module scope, so React Flow does not re-create them. */
export const nodeTypes = {
  task: StepNode,
  decision: StepNode,
  wait: StepNode,
  group: StepNode,
  parallel: StepNode,
  end: StepNode,
}
