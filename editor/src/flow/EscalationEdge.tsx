import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps, useStore } from '@xyflow/react'
import { memo, useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { formatDuration } from './duration.ts'
import { EdgeSelectContext, readable } from './edgeContext.ts'
import { edgePath } from './edgePath.ts'
import type { EdgeData } from './toFlow.ts'

/**
 * An SLA escalation: a dashed red line from a step to the step its overdue tickets go to, labelled
 * with the due time in the reader's language ("⏱ 4 h").
 */
function EscalationEdgeView(props: EdgeProps<Edge<EdgeData>>) {
  const { t, i18n } = useTranslation('designer')
  const select = useContext(EdgeSelectContext)
  const showLabel = useStore(readable)
  const [path, labelX, labelY] = edgePath(props, Number(props.data?.offset ?? 0), props.data?.along)
  const due = formatDuration(props.data?.due, i18n.language)
  const text = t('canvas.escalation', { due })
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} interactionWidth={20} />
      {showLabel || props.selected ? (
        <EdgeLabelRenderer>
          <div
            className={`edge-label edge-label-escalation${props.selected ? ' is-selected' : ''}${select ? ' nodrag nopan' : ''}`}
            style={{
              transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`,
              pointerEvents: select ? 'all' : 'none',
              zIndex: props.selected ? 1000 : Number(props.data?.depth ?? 0),
            }}
            data-edge-label={props.id}
            title={text}
            onClick={select ? () => select(props.id) : undefined}
          >
            ⏱ {due}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  )
}

export const EscalationEdge = memo(EscalationEdgeView)
