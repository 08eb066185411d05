import type { ReactFlowState } from '@xyflow/react'
import { createContext } from 'react'

/** When provided (by the designer), clicking an edge's label selects it. */
export const EdgeSelectContext = createContext<((id: string) => void) | null>(null)

/** Below this zoom a label's text would be a few pixels high: it is left out, as on a map. */
const LABEL_MIN_ZOOM = 0.35
export const readable = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM
