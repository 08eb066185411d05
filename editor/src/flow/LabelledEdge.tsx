import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps, useStore } from '@xyflow/react'
import { memo, useContext } from 'react'
import { EscalationEdge } from './EscalationEdge.tsx'
import { EdgeSelectContext, readable } from './edgeContext.ts'
import { edgePath } from './edgePath.ts'
import type { EdgeData } from './toFlow.ts'

export { EdgeSelectContext } from './edgeContext.ts'

/**
 * A transition: a smooth-step line (bent aside when it shares its steps with other edges) with its
 * label as HTML over the canvas, so that hundreds of labels need no measuring of SVG text.
 */
function LabelledEdgeView(props: EdgeProps<Edge<EdgeData>>) {
  const select = useContext(EdgeSelectContext)
  const showLabel = useStore(readable)
  const [path, labelX, labelY] = edgePath(props, Number(props.data?.offset ?? 0), props.data?.along)
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} />
      {props.label && (showLabel || props.selected) ? (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${props.selected ? ' is-selected' : ''}${select ? ' nodrag nopan' : ''}`}
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              pointerEvents: select ? 'all' : 'none',
              zIndex: props.selected ? 1000 : Number(props.data?.depth ?? 0),
            }}
            data-edge-label={props.id}
            title={typeof props.label === 'string' ? props.label : undefined}
            onClick={select ? () => select(props.id) : undefined}
          >
            {props.label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  )
}

export const LabelledEdge = memo(LabelledEdgeView)

/** Edge types at module scope, so React Flow does not re-create them. */
export const edgeTypes = { labelled: LabelledEdge, escalation: EscalationEdge }
