import { NodeToolbar, Position } from '@xyflow/react'
import { memo } from 'react'
import { useTranslation } from 'react-i18next'

export const APPEND_KINDS = [
  { kind: 'task', icon: '▭', key: 'T' },
  { kind: 'decision', icon: '◇', key: 'D' },
  { kind: 'wait', icon: '⏳', key: 'W' },
  { kind: 'end', icon: '◉', key: 'E' },
] as const

/**
 * The context pad of the selected step: append a task, decision, wait or end after it (already
 * connected), or connect it to a step that exists.
 */
function AppendPadView(props: { stepId: string; onAppend: (kind: string) => void; onConnect: () => void }) {
  const { t } = useTranslation('designer')
  return (
    <NodeToolbar nodeId={props.stepId} isVisible position={Position.Right} offset={14}>
      <div className="append-pad" role="toolbar" aria-label={t('append.title')} data-testid="append-pad">
        {APPEND_KINDS.map((k) => (
          <button
            key={k.kind}
            type="button"
            className={`append-item kind-${k.kind}`}
            data-append={k.kind}
            aria-label={t('append.add', { kind: t(`kinds.${k.kind}.name`) })}
            title={`${t('append.add', { kind: t(`kinds.${k.kind}.name`) })} (A ${k.key})`}
            onClick={() => props.onAppend(k.kind)}
          >
            <span aria-hidden="true">{k.icon}</span>
          </button>
        ))}
        <button
          type="button"
          className="append-item"
          data-append="connect"
          aria-label={t('connect.open')}
          title={`${t('connect.open')} (C)`}
          onClick={props.onConnect}
        >
          <span aria-hidden="true">↗</span>
        </button>
      </div>
    </NodeToolbar>
  )
}

export const AppendPad = memo(AppendPadView)
