import { useEffect, useRef } from 'react'
import { getVersion, type VersionMeta } from '../api/sops.ts'
import { publishedIds } from './ids.ts'
import type { Designer, Doc } from './useDesigner.ts'

/** Tells the designer which ids were published in any version of the SOP: those stay stable. */
export function usePublishedIds(
  sopId: string,
  versions: VersionMeta[],
  d: Pick<Designer, 'setPublished' | 'doc'>,
) {
  const key = versions.map((v) => v.version).join(',')
  const { setPublished } = d
  const loaded = useRef(d.doc)
  useEffect(() => {
    if (!key) return
    let live = true
    void Promise.all(key.split(',').map((n) => getVersion(sopId, Number(n))))
      .then((all) => {
        if (live) setPublished(publishedIds(all.map((v) => v.document as Doc)))
      })
      // Without the versions, keep every id that was there when the SOP was opened.
      .catch(() => live && setPublished(publishedIds([loaded.current])))
    return () => {
      live = false
    }
  }, [sopId, key, setPublished])
}
