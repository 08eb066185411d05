import {
  BaseEdge,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  getSmoothStepPath,
  type ReactFlowState,
  useStore,
} from '@xyflow/react'
import { createContext, memo, useContext } from 'react'

/** When provided (by the designer), clicking a transition's label selects the transition. */
export const EdgeSelectContext = createContext<((id: string) => void) | null>(null)

/** Below this zoom a label's text would be a few pixels high: it is left out, as on a map. */
const LABEL_MIN_ZOOM = 0.35
const readable = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM

/**
 * A transition: a smooth-step line with its label as HTML over the canvas, so that hundreds of
 * labels need no measuring of SVG text before they are drawn.
 */
function LabelledEdgeView(props: EdgeProps<Edge<Record<string, unknown>>>) {
  const select = useContext(EdgeSelectContext)
  const showLabel = useStore(readable)
  const [path, labelX, labelY] = getSmoothStepPath(props)
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
export const edgeTypes = { labelled: LabelledEdge }
