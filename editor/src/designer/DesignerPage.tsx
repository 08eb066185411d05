import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client.ts'
import { createSop, listSops } from '../api/sops.ts'
import { useAsync } from '../ui/useAsync.ts'
import { navigate, type Route } from '../useRoute.ts'
import { Editor } from './Editor.tsx'
import { ImportError } from './ImportError.tsx'
import { type ImportResult, readImport } from './importDoc.ts'
import { PrintView } from './PrintView.tsx'
import { type Doc, emptyDoc } from './useDesigner.ts'
import { useLatestSop } from './useLatestSop.ts'
import './designer.css'

/**
 * #/designer: the SOP list; #/designer/:id the editor; #/designer/:id/print the printable draft;
 * #/designer/:id/print?version=N a printable published version.
 */
export function DesignerPage({ route }: { route: Route }) {
  const id = route.segments[1]
  if (!id) return <SopList />
  const print = route.segments[2] === 'print'
  const v = Number(route.query.get('version'))
  const version = print && Number.isInteger(v) && v > 0 ? v : undefined
  // Each view is its own mount, so each reads the SOP as the server holds it when entered.
  const view = print ? `print:${version ?? 'draft'}` : 'edit'
  return <SopView key={`${id}/${view}`} id={id} print={print} version={version} />
}

function SopView({ id, print, version }: { id: string; print: boolean; version?: number }) {
  const { t } = useTranslation('designer')
  const sop = useLatestSop(id, version)
  if (sop.error) return <p className="page error">{sop.error.message}</p>
  if (!sop.data) return <p className="page muted">{t('loading')}</p>
  const { sop: data, shown } = sop.data
  if (print) return <PrintView sopId={id} shown={shown} versions={data.versions} />
  return <Editor sopId={id} initial={shown.doc} revision={data.revision} versions={data.versions} />
}

function SopList() {
  const { t } = useTranslation('designer')
  const sops = useAsync(listSops, [])
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')
  const [refused, setRefused] = useState<{
    file: string
    result: Exclude<ImportResult, { ok: true }>
  } | null>(null)
  const create = async (doc: Doc) => {
    setError('')
    setRefused(null)
    try {
      const r = await createSop(doc)
      navigate(`/designer/${r.id}`)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    }
  }
  return (
    <div className="page sop-list">
      <h1>{t('list.title')}</h1>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault()
          const id = title
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, '')
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '')
          void create(emptyDoc(id || 'sop', title))
        }}
      >
        <input
          name="new-sop-title"
          placeholder={t('list.newTitle')}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" className="primary" disabled={!title.trim()}>
          {t('list.create')}
        </button>
        <label className="button">
          {t('list.import')}
          <input
            type="file"
            accept="application/json,.json"
            hidden
            onChange={async (e) => {
              const file = e.target.files?.[0]
              e.target.value = ''
              if (!file) return
              const result = readImport(await file.text())
              if (result.ok) await create(result.doc)
              else setRefused({ file: file.name, result })
            }}
          />
        </label>
      </form>
      {error && <p className="error">{error}</p>}
      {refused && (
        <ImportError
          file={refused.file}
          result={refused.result}
          onImportAnyway={(doc) => void create(doc)}
          onClose={() => setRefused(null)}
        />
      )}
      <table className="table">
        <thead>
          <tr>
            <th>{t('list.sop')}</th>
            <th>{t('list.department')}</th>
            <th>{t('list.version')}</th>
            <th>{t('list.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {(sops.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>
                <a href={`#/designer/${s.id}`}>{s.title}</a>
              </td>
              <td>{s.department}</td>
              <td>{s.latestVersion ? `v${s.latestVersion}` : t('list.draft')}</td>
              <td>{new Date(s.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
