import { CONTAINER, defaultSize } from '../flow/toFlow.ts'
import type { Doc } from './useDesigner.ts'

type ElkNode = {
  id: string
  width?: number
  height?: number
  x?: number
  y?: number
  children?: ElkNode[]
  layoutOptions?: Record<string, string>
}

/** Lays the flowchart out top to bottom with elkjs, containers sized around their steps. */
export async function autoLayout(doc: Doc): Promise<NonNullable<Doc['layout']>['nodes']> {
  // elkjs is large: loaded when the owner first asks for a layout.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js')
  const elk = new ELK()
  const build = (parent?: string): ElkNode[] =>
    doc.steps
      .filter((s) => s.parent === parent)
      .map((s) => {
        const kids = build(s.id)
        const size = defaultSize(s.kind)
        return CONTAINER.has(s.kind) && kids.length
          ? {
              id: s.id,
              children: kids,
              layoutOptions: {
                'elk.padding': '[top=44,left=20,bottom=20,right=20]',
                'elk.direction': s.kind === 'parallel' ? 'RIGHT' : 'DOWN',
              },
            }
          : { id: s.id, width: size.width, height: size.height }
      })
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
    },
    children: build(undefined),
    edges: doc.transitions
      .filter((t) => doc.steps.some((s) => s.id === t.from) && doc.steps.some((s) => s.id === t.to))
      .map((t) => ({ id: t.id, sources: [t.from], targets: [t.to] })),
  } as never)
  const out: Record<string, { x: number; y: number; width?: number; height?: number }> = {}
  const walk = (nodes: ElkNode[] = []) => {
    for (const n of nodes) {
      const step = doc.steps.find((s) => s.id === n.id)
      out[n.id] = {
        x: Math.round(n.x ?? 0),
        y: Math.round(n.y ?? 0),
        ...(step && CONTAINER.has(step.kind)
          ? { width: Math.round(n.width ?? 300), height: Math.round(n.height ?? 200) }
          : {}),
      }
      walk(n.children)
    }
  }
  walk((graph as unknown as ElkNode).children)
  return out
}
