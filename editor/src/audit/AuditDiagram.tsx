import {
  Background,
  ControlButton,
  Controls,
  type Edge,
  type Node,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import '../flow/flow.css'
import './insight-diagram.css'
import { memo, useCallback, useEffect, useMemo } from 'react'
import { edgeTypes } from '../flow/LabelledEdge.tsx'
import { nodeTypes } from '../flow/StepNode.tsx'
import { type DocShape, type StepData, toFlow } from '../flow/toFlow.ts'

/**
 * The zoom below which step titles (14 px in this diagram) would read smaller than 11 px: the
 * diagram is fitted to its panel's width down to this zoom, and panned beyond it.
 */
export const LEGIBLE_ZOOM = 0.8
const MAX_FIT_ZOOM = 1.1
const PAD = 24

export interface AuditDiagramProps {
  document: DocShape
  /** Steps the ticket is in now (marked as current). */
  current?: readonly string[]
  /** The step kept in view (default: the first current step). */
  focus?: readonly string[]
  /** Steps visited so far and transitions taken so far (the path). */
  visited?: ReadonlySet<string>
  traversed?: ReadonlySet<string>
  /** Heatmap values 0…1 and a short text per step. */
  heat?: Record<string, number>
  badges?: Record<string, string>
  height?: number | string
  /** Accessible label of the fit button. */
  fitLabel: string
}

/** A read-only SOP flowchart fitted legibly to its panel's width, with the path a ticket took. */
function AuditDiagramView(props: AuditDiagramProps) {
  const { document, current, visited, traversed, heat, badges } = props
  const { nodes, edges } = useMemo(() => {
    const flow = toFlow(document, (id) => ({
      active: current?.includes(id),
      heat: heat?.[id],
      badge: badges?.[id],
    }))
    const nodes: Node<StepData>[] = flow.nodes.map((n) => ({
      ...n,
      className: [visited?.has(n.id) ? 'is-visited' : '', current?.includes(n.id) ? 'is-current' : '']
        .filter(Boolean)
        .join(' '),
    }))
    const edges: Edge[] = flow.edges.map((e) => ({
      ...e,
      className: `${e.className ?? ''}${traversed?.has(e.id) ? ' is-traversed' : ''}`,
      zIndex: traversed?.has(e.id) ? 1 : 0,
    }))
    return { nodes, edges }
  }, [document, current, visited, traversed, heat, badges])
  return (
    <div
      className="sop-diagram insight-diagram"
      style={{ height: props.height ?? 560 }}
      data-testid="sop-diagram"
    >
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          minZoom={0.2}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <FitToWidth focus={props.focus ?? current} label={props.fitLabel} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  )
}

export const AuditDiagram = memo(AuditDiagramView)

/** Fits the diagram to the panel's width (never below the legible zoom) and keeps the first current step in view. */
function FitToWidth({ focus, label }: { focus?: readonly string[]; label: string }) {
  const rf = useReactFlow()
  const width = useStore((s) => s.width)
  const height = useStore((s) => s.height)
  const fitWidth = useCallback(() => {
    const bounds = rf.getNodesBounds(rf.getNodes())
    if (!width || !bounds.width) return
    const zoom = Math.min(MAX_FIT_ZOOM, Math.max(LEGIBLE_ZOOM, (width - 2 * PAD) / bounds.width))
    let x = Math.max(PAD, (width - bounds.width * zoom) / 2) - bounds.x * zoom
    // Twice the padding on top: edges may loop above the first step.
    let y = 2 * PAD - bounds.y * zoom
    // Keep the first current step in view: centre it when it would be below the panel.
    const node = focus?.length ? rf.getInternalNode(focus[0]) : undefined
    if (node && height) {
      const cy = (node.internals.positionAbsolute.y + (node.measured.height ?? 0) / 2) * zoom + y
      if (cy > height - PAD) y -= cy - height / 2
      // On a narrow panel the diagram is wider than it: bring the step in sideways too.
      const cx = (node.internals.positionAbsolute.x + (node.measured.width ?? 0) / 2) * zoom + x
      if (cx > width - PAD || cx < PAD) x -= cx - width / 2
    }
    void rf.setViewport({ x, y, zoom })
  }, [rf, width, height, focus])
  const count = useStore((s) => s.nodeLookup.size)
  useEffect(() => {
    if (count) fitWidth()
  }, [count, fitWidth])
  return (
    <Controls showInteractive={false} showFitView={false}>
      <ControlButton onClick={fitWidth} title={label} aria-label={label}>
        ⤢
      </ControlButton>
    </Controls>
  )
}
