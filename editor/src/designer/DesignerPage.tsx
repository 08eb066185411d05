import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client.ts'
import { createSop, getSop, listSops } from '../api/sops.ts'
import { useAsync } from '../ui/useAsync.ts'
import { navigate, type Route } from '../useRoute.ts'
import { Editor } from './Editor.tsx'
import { PrintView } from './PrintView.tsx'
import { type Doc, emptyDoc } from './useDesigner.ts'
import './designer.css'

/** #/designer: the SOP list; #/designer/:id the editor; #/designer/:id/print the printable document. */
export function DesignerPage({ route }: { route: Route }) {
  const id = route.segments[1]
  if (!id) return <SopList />
  return <SopLoader key={id} id={id} print={route.segments[2] === 'print'} />
}

function SopLoader({ id, print }: { id: string; print: boolean }) {
  const { t } = useTranslation('designer')
  const sop = useAsync(() => getSop(id), [id])
  if (sop.error) return <p className="page error">{sop.error.message}</p>
  if (!sop.data) return <p className="page muted">{t('loading')}</p>
  if (print) return <PrintView doc={sop.data.document as Doc} />
  return <Editor sopId={id} initial={sop.data.document as Doc} versions={sop.data.versions} />
}

function SopList() {
  const { t } = useTranslation('designer')
  const sops = useAsync(listSops, [])
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')
  const create = async (doc: Doc) => {
    setError('')
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
              if (!file) return
              try {
                await create(JSON.parse(await file.text()))
              } catch (err) {
                setError(String(err))
              }
            }}
          />
        </label>
      </form>
      {error && <p className="error">{error}</p>}
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
