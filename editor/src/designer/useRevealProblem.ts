import { useReactFlow } from '@xyflow/react'
import { useCallback } from 'react'
import type { Diagnostic } from '../../../engine/index.ts'
import type { Designer } from './useDesigner.ts'

/** Selects the element a diagnostic is about and brings it into view (the SOP panel when none). */
export function useRevealProblem(d: Designer) {
  const flow = useReactFlow()
  const { setSelection } = d
  return useCallback(
    (p: Diagnostic) => {
      if (p.stepId) {
        setSelection({ kind: 'step', ids: [p.stepId] })
        const n = flow.getNode(p.stepId)
        if (n) void flow.fitView({ nodes: [n], duration: 300, maxZoom: 1.2 })
      } else if (p.transitionId) setSelection({ kind: 'transition', ids: [p.transitionId] })
      else setSelection(null)
    },
    [flow, setSelection],
  )
}
