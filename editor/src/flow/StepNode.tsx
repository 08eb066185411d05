import {
  Handle,
  type Node,
  type NodeProps,
  NodeResizeControl,
  Position,
  ResizeControlVariant,
} from '@xyflow/react'
import { type CSSProperties, memo, useContext, useRef, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDuration } from './duration.ts'
import { NO_EDITING, NodeEditContext } from './nodeEdit.ts'
import { CONTAINER, defaultSize, type StepData } from './toFlow.ts'

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

/** Resize grips of a container: its right edge, its bottom edge and its bottom-right corner. */
const GRIPS = [
  { position: 'right', variant: ResizeControlVariant.Line, className: 'resize-right' },
  { position: 'bottom', variant: ResizeControlVariant.Line, className: 'resize-bottom' },
  { position: 'bottom-right', variant: ResizeControlVariant.Handle, className: 'resize-corner' },
] as const

/** One step of the flowchart; its shape says its kind. */
function StepNodeView({ id, data, selected }: NodeProps<Node<StepData>>) {
  const edit = useContext(NodeEditContext)
  const store = edit?.editing ?? NO_EDITING
  const isEditing = () => store.get() === id
  const editing = useSyncExternalStore(store.subscribe, isEditing, isEditing)
  const cancelled = useRef(false)
  const { i18n } = useTranslation()
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
  const container = CONTAINER.has(data.kind)
  return (
    <div className={classes} style={style} data-step-kind={data.kind} title={data.title}>
      {edit && container && selected && <Grips id={id} data={data} resize={edit.resize} />}
      <Handle type="target" position={Position.Top} />
      <div className="step-body">
        <span className="step-icon" aria-hidden="true">
          {ICON[data.kind] ?? '▭'}
        </span>
        {editing && edit ? (
          <TitleInput
            title={data.title}
            onDone={(value) => {
              if (!cancelled.current) edit.rename(id, value.trim() || data.title)
              cancelled.current = false
              edit.editing.set(null)
            }}
            onCancel={() => {
              cancelled.current = true
            }}
          />
        ) : (
          <span className="step-title" onDoubleClick={() => edit?.editing.set(id)}>
            {data.title}
          </span>
        )}
        {data.sla && <span className="step-sla">⏱ {formatDuration(data.sla, i18n.language)}</span>}
        {data.outcome && <span className="step-outcome">{data.outcome}</span>}
        {data.badge && <span className="step-badge">{data.badge}</span>}
      </div>
      {data.kind !== 'end' && <Handle type="source" position={Position.Bottom} />}
    </div>
  )
}

/** The title edited in place: Enter keeps it, Esc gives it up; either way focus goes back to the step. */
function TitleInput(props: { title: string; onDone: (value: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('designer')
  return (
    <input
      className="step-title-input nodrag"
      aria-label={t('canvas.titleInPlace')}
      defaultValue={props.title}
      autoFocus
      onFocus={(e) => e.currentTarget.select()}
      onBlur={(e) => props.onDone(e.currentTarget.value)}
      onKeyDown={(e) => {
        if (e.key !== 'Enter' && e.key !== 'Escape') return
        e.preventDefault()
        e.stopPropagation()
        if (e.key === 'Escape') props.onCancel()
        const node = e.currentTarget.closest<HTMLElement>('.react-flow__node')
        if (node) node.focus()
        else e.currentTarget.blur()
      }}
    />
  )
}

function Grips({
  id,
  data,
  resize,
}: {
  id: string
  data: StepData
  resize: (id: string, size: { width: number; height: number }) => void
}) {
  const min = defaultSize('task')
  return (
    <>
      {GRIPS.map((g) => (
        <NodeResizeControl
          key={g.position}
          position={g.position}
          variant={g.variant}
          className={`step-resize ${g.className}`}
          minWidth={Math.max(min.width, data.minWidth ?? 0)}
          minHeight={Math.max(min.height, data.minHeight ?? 0)}
          onResizeEnd={(_, p) => resize(id, { width: p.width, height: p.height })}
        />
      ))}
    </>
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
