import { useStore, useStoreApi } from '@xyflow/react'
import { useEffect } from 'react'

const zoomOf = (s: { transform: [number, number, number] }) => s.transform[2]

/**
 * Publishes the canvas zoom as the CSS variable `--flow-zoom`, so that what must keep a size on
 * screen (the hit area of connection handles) can undo the zoom.
 */
export function ZoomVariable(): null {
  const zoom = useStore(zoomOf)
  const store = useStoreApi()
  useEffect(() => {
    store.getState().domNode?.style.setProperty('--flow-zoom', String(zoom))
  }, [zoom, store])
  return null
}
