import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import './flow.css'
import { useMemo } from 'react'
import { edgeTypes } from './LabelledEdge.tsx'
import { nodeTypes } from './StepNode.tsx'
import { type DocShape, toFlow } from './toFlow.ts'

/** Fitting the view never enlarges a small flowchart beyond its natural size. */
export const FIT_VIEW = { maxZoom: 1 }

/**
 * A read-only flowchart of an SOP document.
 * - `active`: step ids to highlight (the ticket's current steps at the selected point).
 * - `heat`: per-step values 0…1 colouring steps from green to red (the supervisor's heatmap).
 * - `badges`: a short text per step (e.g. "12 min · 3 breaches").
 * - `onSelectStep`: called with a step id when a step is clicked.
 */
export function SopDiagram(props: {
  document: DocShape
  active?: readonly string[]
  heat?: Record<string, number>
  badges?: Record<string, string>
  onSelectStep?: (stepId: string) => void
  height?: number | string
}) {
  const { document, active, heat, badges, onSelectStep } = props
  const { nodes, edges } = useMemo(
    () =>
      toFlow(document, (id) => ({
        active: active?.includes(id),
        heat: heat?.[id],
        badge: badges?.[id],
      })),
    [document, active, heat, badges],
  )
  return (
    <div className="sop-diagram" style={{ height: props.height ?? 480 }} data-testid="sop-diagram">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={Boolean(onSelectStep)}
          onNodeClick={(_, n) => onSelectStep?.(n.id)}
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} fitViewOptions={FIT_VIEW} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  )
}
