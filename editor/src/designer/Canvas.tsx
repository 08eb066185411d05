import {
  Background,
  Controls,
  type Edge,
  MiniMap,
  type Node,
  ReactFlow,
  useEdgesState,
  useNodesState,
  useReactFlow,
} from '@xyflow/react'
import { type MouseEvent, useEffect, useMemo, useRef, useState } from 'react'
import { EdgeSelectContext, edgeTypes } from '../flow/LabelledEdge.tsx'
import { FIT_VIEW } from '../flow/SopDiagram.tsx'
import { nodeTypes, RenameContext } from '../flow/StepNode.tsx'
import { CONTAINER, type StepData, toFlow } from '../flow/toFlow.ts'
import { EmptyStart } from './EmptyStart.tsx'
import type { Designer } from './useDesigner.ts'

const PRO_OPTIONS = { hideAttribution: true }

/** The editable flowchart: drop steps from the palette, connect handles, drag, select, delete. */
export function Canvas({
  d,
  active,
  changed,
}: {
  d: Designer
  active?: string[]
  changed?: Record<string, string>
}) {
  const flow = useReactFlow()
  // Fit the view to the flowchart on opening; a blank SOP keeps its view, so that the first steps
  // land where they are dropped instead of the canvas jumping to the first one.
  const [fitOnOpen] = useState(() => d.doc.steps.length > 0)
  const invalid = useMemo(
    () =>
      new Set(
        d.problems
          .filter((p) => p.severity === 'error')
          .map((p) => p.stepId)
          .filter(Boolean),
      ),
    [d.problems],
  )
  const built = useMemo(
    () =>
      toFlow(d.doc as never, (id) => ({
        invalid: invalid.has(id),
        active: active?.includes(id),
        badge: changed?.[id],
      })),
    [d.doc, invalid, active, changed],
  )
  const [nodes, setNodes, onNodesChange] = useNodesState<Node<StepData>>(built.nodes)
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>(built.edges)
  // Stable handlers (the designer object changes on every render): React Flow re-reads its props
  // on each render, and new functions every frame slow a drag down.
  const dRef = useRef(d)
  dRef.current = d
  const flowRef = useRef(flow)
  flowRef.current = flow
  const handlers = useMemo(
    () => ({
      onConnect: (c: { source: string | null; target: string | null }) => {
        if (c.source && c.target) dRef.current.connect(c.source, c.target)
      },
      onNodeDragStop: (_: unknown, node: Node, dragged: Node[]) => {
        const moving = dragged.length ? dragged : [node]
        if (moving.length === 1) {
          // A single step dropped on a container goes into it; dragged out of one, it leaves it.
          const n = moving[0]
          const internal = flowRef.current.getInternalNode(n.id)
          if (internal) {
            const abs = internal.internals.positionAbsolute
            const centre = {
              x: abs.x + (internal.measured?.width ?? 0) / 2,
              y: abs.y + (internal.measured?.height ?? 0) / 2,
            }
            const steps = dRef.current.doc.steps
            const descends = (id: string): boolean => {
              for (let p: string | undefined = id; p; p = steps.find((s) => s.id === p)?.parent)
                if (p === n.id) return true
              return false
            }
            const target = flowRef.current
              .getNodes()
              .filter((c) => c.id !== n.id && CONTAINER.has(String(c.data.kind)) && !descends(c.id))
              .filter((c) => inside(flowRef.current.getInternalNode(c.id), centre))
              .pop()
            const current = steps.find((s) => s.id === n.id)?.parent
            if ((target?.id ?? undefined) !== current) {
              const base = target
                ? flowRef.current.getInternalNode(target.id)!.internals.positionAbsolute
                : { x: 0, y: 0 }
              dRef.current.reparent(n.id, target?.id, { x: abs.x - base.x, y: abs.y - base.y })
              return
            }
          }
        }
        for (const n of moving) dRef.current.moveStep(n.id, n.position)
      },
      onNodeClick: (e: MouseEvent, n: Node) => {
        const sel = dRef.current.selection
        const current = sel?.kind === 'step' ? sel.ids : []
        const ids = e.shiftKey
          ? current.includes(n.id)
            ? current.filter((x) => x !== n.id)
            : [...current, n.id]
          : [n.id]
        dRef.current.setSelection(ids.length ? { kind: 'step', ids } : null)
      },
      onEdgeClick: (_: MouseEvent, edge: Edge) =>
        dRef.current.setSelection({ kind: 'transition', ids: [edge.id] }),
      onPaneClick: () => dRef.current.setSelection(null),
      rename: (id: string, title: string) => dRef.current.updateStep(id, { title }),
      selectEdge: (id: string) => dRef.current.setSelection({ kind: 'transition', ids: [id] }),
    }),
    [],
  )
  const selectedIds = d.selection?.ids ?? []
  useEffect(() => {
    setNodes(
      built.nodes.map((n) => ({
        ...n,
        selected: d.selection?.kind === 'step' && selectedIds.includes(n.id),
      })),
    )
    setEdges(
      built.edges.map((e) => ({
        ...e,
        selected: d.selection?.kind === 'transition' && selectedIds.includes(e.id),
      })),
    )
  }, [built, d.selection, setNodes, setEdges, selectedIds.includes])

  const dropAt = (clientX: number, clientY: number, kind: string) => {
    const p = flow.screenToFlowPosition({ x: clientX, y: clientY })
    const container = [...nodes]
      .reverse()
      .find((n) => CONTAINER.has(n.data.kind) && n.id && inside(flow.getInternalNode(n.id), p))
    if (container) {
      const abs = flow.getInternalNode(container.id)!.internals.positionAbsolute
      d.addStep(kind, { x: p.x - abs.x, y: p.y - abs.y }, container.id)
    } else d.addStep(kind, p)
  }

  return (
    <RenameContext.Provider value={handlers.rename}>
      <EdgeSelectContext.Provider value={handlers.selectEdge}>
        <div
          className="canvas"
          data-testid="canvas"
          onDragOver={(e) => {
            e.preventDefault()
            e.dataTransfer.dropEffect = 'move'
          }}
          onDrop={(e) => {
            e.preventDefault()
            const kind = e.dataTransfer.getData('application/sopflow-step')
            if (kind) dropAt(e.clientX, e.clientY, kind)
          }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={handlers.onConnect}
            onNodeDragStop={handlers.onNodeDragStop}
            onNodeClick={handlers.onNodeClick}
            onEdgeClick={handlers.onEdgeClick}
            onPaneClick={handlers.onPaneClick}
            deleteKeyCode={null}
            multiSelectionKeyCode="Shift"
            fitView={fitOnOpen}
            fitViewOptions={FIT_VIEW}
            minZoom={0.1}
            proOptions={PRO_OPTIONS}
          >
            <Background />
            <MiniMap pannable zoomable />
            <Controls fitViewOptions={FIT_VIEW} />
          </ReactFlow>
          {d.doc.steps.length === 0 && <EmptyStart d={d} />}
        </div>
      </EdgeSelectContext.Provider>
    </RenameContext.Provider>
  )
}

function inside(
  n: ReturnType<ReturnType<typeof useReactFlow>['getInternalNode']>,
  p: { x: number; y: number },
) {
  if (!n) return false
  const { x, y } = n.internals.positionAbsolute
  const w = n.measured?.width ?? n.width ?? 0
  const h = n.measured?.height ?? n.height ?? 0
  return p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h
}
