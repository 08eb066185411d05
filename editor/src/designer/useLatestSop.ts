import { getSop, getVersion, type SopDraft, type VersionMeta } from '../api/sops.ts'
import { useAsync } from '../ui/useAsync.ts'
import type { Doc } from './useDesigner.ts'

/** What a designer view shows: the draft at its revision, or one published version. */
export type Shown =
  | { kind: 'draft'; doc: Doc; revision: number; savedAt: string }
  | { kind: 'version'; doc: Doc; meta: VersionMeta }

/**
 * The SOP as the server holds it now. It loads each time a view mounts (the designer keys every
 * view, so entering the editor or the print view reads the latest draft, never a copy kept from
 * an earlier visit); `version` picks a published version instead of the draft.
 */
export function useLatestSop(id: string, version?: number) {
  return useAsync(async (): Promise<{ sop: SopDraft; shown: Shown }> => {
    const sop = await getSop(id)
    if (version === undefined)
      return {
        sop,
        shown: { kind: 'draft', doc: sop.document as Doc, revision: sop.revision, savedAt: sop.updatedAt },
      }
    const v = await getVersion(id, version)
    const { document, ...meta } = v
    return { sop, shown: { kind: 'version', doc: document as Doc, meta } }
  }, [id, version])
}
