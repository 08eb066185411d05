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
import { editingStore, NodeEditContext } from '../flow/nodeEdit.ts'
import { readableViewport } from '../flow/readableFit.ts'
import { FIT_VIEW } from '../flow/SopDiagram.tsx'
import { nodeTypes } from '../flow/StepNode.tsx'
import { CONTAINER, type EdgeData, escalationStep, type StepData, toFlow } from '../flow/toFlow.ts'
import { AppendPad } from './AppendPad.tsx'
import { ConnectPicker } from './ConnectPicker.tsx'
import { focusStep, openSlaSection } from './canvasFocus.ts'
import { keepEdges, keepNodes } from './canvasState.ts'
import { EmptyStart } from './EmptyStart.tsx'
import { useCanvasKeyboard } from './useCanvasKeyboard.ts'
import type { Designer, Doc } from './useDesigner.ts'
import { ZoomVariable } from './ZoomVariable.tsx'

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
  // Open at a readable size; a blank SOP keeps its view, so that the first steps land where they
  // are dropped instead of the canvas jumping to the first one.
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
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge<EdgeData>>(built.edges)
  const [editing] = useState(editingStore)
  const [picking, setPicking] = useState<string | null>(null)
  const [padHiddenFor, setPadHiddenFor] = useState<string | null>(null)
  // Stable handlers (the designer object changes on every render): React Flow re-reads its props
  // on each render, and new functions every frame slow a drag down.
  const dRef = useRef(d)
  dRef.current = d
  const flowRef = useRef(flow)
  flowRef.current = flow
  const handlers = useMemo(() => {
    const selectEdge = (id: string) => {
      const step = escalationStep(id)
      if (step) {
        dRef.current.setSelection({ kind: 'step', ids: [step] })
        openSlaSection()
      } else dRef.current.setSelection({ kind: 'transition', ids: [id] })
    }
    return {
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
      onEdgeClick: (_: MouseEvent, edge: Edge) => selectEdge(edge.id),
      onPaneClick: () => dRef.current.setSelection(null),
      selectEdge,
      nodeEdit: {
        rename: (id: string, title: string) => dRef.current.replace(renamed(dRef.current.doc, id, title)),
        resize: (id: string, size: { width: number; height: number }) => dRef.current.resizeStep(id, size),
        editing,
      },
      append: (from: string, kind: string) => {
        const id = dRef.current.append(from, kind)
        if (id) editing.set(id)
      },
    }
  }, [editing])
  const stepSelection = d.selection?.kind === 'step' ? d.selection.ids : []
  const transitionSelection = d.selection?.kind === 'transition' ? d.selection.ids : []
  const selectionKey = `${d.selection?.kind}:${(d.selection?.ids ?? []).join(',')}`
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection is read through its key
  useEffect(() => {
    // Steps and edges that did not change keep their objects and measured sizes: a new object
    // without them makes React Flow measure the step again and leave its edges out until it has.
    setNodes((prev) => keepNodes(prev, built.nodes, new Set(stepSelection)))
    setEdges((prev) =>
      keepEdges(prev, built.edges, (e) => {
        const step = escalationStep(e.id)
        return step ? stepSelection.includes(step) : transitionSelection.includes(e.id)
      }),
    )
  }, [built, selectionKey, setNodes, setEdges])

  // A step added from the palette by keyboard is named at once, in place.
  const stepCount = useRef(d.doc.steps.length)
  useEffect(() => {
    const grew = d.doc.steps.length > stepCount.current
    stepCount.current = d.doc.steps.length
    const only = stepSelection.length === 1 ? stepSelection[0] : undefined
    if (grew && only && document.activeElement?.closest('.palette')) editing.set(only)
  }, [d.doc.steps.length, stepSelection, editing])

  const one = stepSelection.length === 1 ? stepSelection[0] : undefined
  const oneStep = one ? d.doc.steps.find((s) => s.id === one) : undefined
  const showPad = oneStep && oneStep.kind !== 'end' && padHiddenFor !== one
  useEffect(() => {
    if (padHiddenFor && padHiddenFor !== one) setPadHiddenFor(null)
  }, [one, padHiddenFor])

  useCanvasKeyboard(d, {
    append: handlers.append,
    connect: (from) => setPicking(from),
    rename: (id) => editing.set(id),
    escape: () => {
      if (!showPad || !one) return false
      setPadHiddenFor(one)
      return true
    },
    positionOf: (id) => flow.getNode(id)?.position,
  })

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

  const pickFrom = picking ? d.doc.steps.find((s) => s.id === picking) : undefined
  return (
    <NodeEditContext.Provider value={handlers.nodeEdit}>
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
            onInit={(instance) => {
              if (!fitOnOpen) return
              const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect()
              const top = built.nodes.filter((n) => !n.parentId)
              if (!box || !top.length) return
              void instance.setViewport(readableViewport(instance.getNodesBounds(top), box))
            }}
            deleteKeyCode={null}
            multiSelectionKeyCode="Shift"
            minZoom={0.1}
            proOptions={PRO_OPTIONS}
          >
            <ZoomVariable />
            <Background />
            <MiniMap pannable zoomable />
            <Controls fitViewOptions={FIT_VIEW} />
            {showPad && one && (
              <AppendPad
                stepId={one}
                onAppend={(kind) => handlers.append(one, kind)}
                onConnect={() => setPicking(one)}
              />
            )}
          </ReactFlow>
          {d.doc.steps.length === 0 && <EmptyStart d={d} />}
        </div>
        {pickFrom && (
          <ConnectPicker
            from={pickFrom}
            steps={d.doc.steps}
            onPick={(to) => {
              setPicking(null)
              d.connect(pickFrom.id, to)
              focusStep(pickFrom.id)
            }}
            onClose={() => {
              setPicking(null)
              focusStep(pickFrom.id)
            }}
          />
        )}
      </EdgeSelectContext.Provider>
    </NodeEditContext.Provider>
  )
}

/**
 * The document with a step renamed, and the transitions into it that were named after its old title
 * (as appending names them) renamed with it: one undo step.
 */
function renamed(doc: Doc, id: string, title: string): Doc {
  const next = structuredClone(doc)
  const step = next.steps.find((s) => s.id === id)
  if (!step || step.title === title) return doc
  for (const t of next.transitions) if (t.to === id && t.label === step.title) t.label = title
  step.title = title
  return next
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
