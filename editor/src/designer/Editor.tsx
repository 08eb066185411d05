import { ReactFlowProvider } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import '../flow/flow.css'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client.ts'
import { getSop, publishSop, type VersionMeta } from '../api/sops.ts'
import { SopDiagram } from '../flow/SopDiagram.tsx'
import { autoLayout } from './autoLayout.ts'
import { Canvas } from './Canvas.tsx'
import { ConflictDialog } from './ConflictDialog.tsx'
import { HelpDialog } from './HelpDialog.tsx'
import { ImportError } from './ImportError.tsx'
import { Inspector } from './Inspector.tsx'
import { type ImportResult, readImport } from './importDoc.ts'
import { LeaveDialog } from './LeaveDialog.tsx'
import { Palette } from './Palette.tsx'
import { Problems } from './Problems.tsx'
import { PublishButton } from './PublishButton.tsx'
import { SaveStatus } from './SaveStatus.tsx'
import { Simulator } from './Simulator.tsx'
import { useAutosave } from './useAutosave.ts'
import { type Doc, useDesigner } from './useDesigner.ts'
import { useLeaveGuard } from './useLeaveGuard.ts'
import { usePublishedIds } from './usePublishedIds.ts'
import { useShortcuts } from './useShortcuts.ts'
import { type Comparison, Versions } from './Versions.tsx'

/** The designer: palette, canvas, inspector, problems, simulation, versions. */
export function Editor(props: { sopId: string; initial: Doc; revision: number; versions: VersionMeta[] }) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  )
}

function EditorInner({
  sopId,
  initial,
  revision,
  versions: initialVersions,
}: {
  sopId: string
  initial: Doc
  revision: number
  versions: VersionMeta[]
}) {
  const { t } = useTranslation('designer')
  const d = useDesigner(initial)
  const autosave = useAutosave(sopId, d.doc, revision)
  const leave = useLeaveGuard(autosave)
  const [conflictOpen, setConflictOpen] = useState(true)
  const [imported, setImported] = useState<{
    file: string
    result: Exclude<ImportResult, { ok: true }>
  } | null>(null)
  const [versions, setVersions] = useState(initialVersions)
  usePublishedIds(sopId, versions, d)
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null)
  const [help, setHelp] = useState(false)
  const [tab, setTab] = useState<'inspect' | 'simulate' | 'versions'>('inspect')
  const [active, setActive] = useState<string[]>([])
  const [comparison, setComparison] = useState<Comparison | null>(null)
  const [laying, setLaying] = useState(false)

  // A new conflict always opens the dialog (it may have been put off for an earlier one).
  useEffect(() => {
    if (autosave.state.kind === 'conflict') setConflictOpen(true)
  }, [autosave.state])
  const save = async () => {
    setMessage(null)
    if (await autosave.save()) {
      d.setDirty(false)
      setMessage({ kind: 'ok', text: t('toolbar.saved') })
    } else setConflictOpen(true)
  }
  const publish = async () => {
    try {
      setMessage(null)
      if (!(await autosave.save())) return setConflictOpen(true)
      d.setDirty(false)
      const v = await publishSop(sopId)
      setVersions((await getSop(sopId)).versions)
      setMessage({ kind: 'ok', text: t('toolbar.published', { version: v.version }) })
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) })
    }
  }
  useShortcuts(d, { save, help: () => setHelp(true) })

  const changed = comparison
    ? Object.fromEntries(comparison.diff.steps.map((s) => [s.id, t(`versions.${s.change}`)]))
    : undefined

  return (
    <div className="designer">
      <div className="toolbar" role="toolbar" aria-label={t('toolbar.title')}>
        <a href="#/designer" className="muted">
          ←
        </a>
        <strong className="doc-title">{d.doc.title}</strong>
        <SaveStatus
          state={autosave.state}
          onRetry={() => void autosave.save()}
          onResolve={() => setConflictOpen(true)}
        />
        <button type="button" onClick={d.undo} title="Ctrl+Z" disabled={!d.canUndo}>
          ↶ {t('toolbar.undo')}
        </button>
        <button type="button" onClick={d.redo} title="Ctrl+Shift+Z" disabled={!d.canRedo}>
          ↷ {t('toolbar.redo')}
        </button>
        <button
          type="button"
          aria-busy={laying}
          data-testid="auto-layout"
          onClick={async () => {
            setLaying(true)
            try {
              const nodes = await autoLayout(d.doc)
              d.setMeta({ layout: { ...(d.doc.layout ?? {}), nodes } })
            } finally {
              setLaying(false)
            }
          }}
        >
          ⇅ {t('toolbar.layout')}
        </button>
        <button type="button" onClick={save} title="Ctrl+S">
          💾 {t('toolbar.save')}
        </button>
        <PublishButton d={d} onPublish={publish} onReveal={() => setTab('inspect')} />
        <button
          type="button"
          onClick={() => {
            const url = URL.createObjectURL(
              new Blob([JSON.stringify(d.doc, null, 2)], { type: 'application/json' }),
            )
            const a = document.createElement('a')
            a.href = url
            a.download = `${sopId}.json`
            a.click()
            URL.revokeObjectURL(url)
          }}
        >
          ⤓ {t('toolbar.export')}
        </button>
        <label className="button">
          ⤒ {t('toolbar.import')}
          <input
            type="file"
            accept="application/json,.json"
            hidden
            onChange={async (e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (!file) return
              const result = readImport(await file.text())
              if (result.ok) {
                setImported(null)
                d.replace({ ...result.doc, id: sopId })
              } else setImported({ file: file.name, result })
            }}
          />
        </label>
        <a className="button" href={`#/designer/${sopId}/print`}>
          🖶 {t('toolbar.print')}
        </a>
        <button type="button" onClick={() => setHelp(true)} title="?">
          ? {t('toolbar.help')}
        </button>
        {message && (
          <span
            className={message.kind === 'ok' ? 'ok' : 'error'}
            role="status"
            data-testid="designer-message"
          >
            {message.text}
          </span>
        )}
      </div>
      {imported && (
        <ImportError
          file={imported.file}
          result={imported.result}
          onImportAnyway={(doc) => {
            setImported(null)
            d.replace({ ...doc, id: sopId })
          }}
          onClose={() => setImported(null)}
        />
      )}
      <div className="designer-body">
        <Palette d={d} />
        {comparison?.document ? (
          <div className="canvas compared" data-testid="compared-version">
            <p className="compared-banner">
              {t('versions.showing', { version: comparison.to })}{' '}
              <button type="button" className="link" onClick={() => setComparison(null)}>
                {t('versions.back')}
              </button>
            </p>
            <SopDiagram document={comparison.document as never} badges={changed} height="100%" />
          </div>
        ) : (
          <Canvas d={d} active={tab === 'simulate' ? active : undefined} changed={changed} />
        )}
        <aside className="designer-side">
          <div className="tabs" role="tablist">
            {(['inspect', 'simulate', 'versions'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={tab === k}
                className={tab === k ? 'tab is-current' : 'tab'}
                onClick={() => setTab(k)}
              >
                {t(`tabs.${k}`)}
              </button>
            ))}
          </div>
          {tab === 'inspect' && <Inspector d={d} />}
          {tab === 'simulate' && <Simulator d={d} onActive={setActive} />}
          {tab === 'versions' && (
            <Versions
              sopId={sopId}
              versions={versions}
              draft={d.doc}
              comparison={comparison}
              onCompare={setComparison}
            />
          )}
          <Problems d={d} />
        </aside>
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      {autosave.state.kind === 'conflict' && conflictOpen && (
        <ConflictDialog
          sopId={sopId}
          mine={d.doc}
          onReloadTheirs={(theirs, rev) => {
            autosave.adopt(theirs, rev)
            d.replace(theirs)
            d.setDirty(false)
          }}
          onKeepMine={(rev) => void autosave.save(rev)}
          onClose={() => setConflictOpen(false)}
        />
      )}
      {leave.asking && <LeaveDialog state={autosave.state} onDecide={leave.decide} />}
    </div>
  )
}
