import { useReactFlow } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'

const KINDS = ['task', 'decision', 'wait', 'group', 'parallel', 'end'] as const
const ICON: Record<string, string> = {
  task: '▭',
  decision: '◇',
  wait: '⏳',
  group: '▣',
  parallel: '⫴',
  end: '◉',
}

/** Step kinds to drag onto the canvas (or click to add in view). */
export function Palette({ d }: { d: Designer }) {
  const { t } = useTranslation('designer')
  const flow = useReactFlow()
  return (
    <div className="palette" role="toolbar" aria-label={t('palette.title')}>
      {KINDS.map((k) => (
        <button
          key={k}
          type="button"
          draggable
          data-kind={k}
          className={`palette-item kind-${k}`}
          title={t(`kinds.${k}.hint`)}
          onDragStart={(e) => {
            e.dataTransfer.setData('application/sopflow-step', k)
            e.dataTransfer.effectAllowed = 'move'
          }}
          onClick={() => {
            const box = document.querySelector('.canvas')?.getBoundingClientRect()
            const p = flow.screenToFlowPosition({
              x: (box?.left ?? 0) + (box?.width ?? 600) / 2,
              y: (box?.top ?? 0) + 80 + (d.doc.steps.length % 6) * 90,
            })
            d.addStep(k, p)
          }}
        >
          <span aria-hidden="true">{ICON[k]}</span> {t(`kinds.${k}.name`)}
        </button>
      ))}
    </div>
  )
}
