import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listUsers } from '../api/users.ts'
import { can } from '../auth/access.ts'
import { useMe } from '../auth/session.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'
import './admin.css'
import { SecretOnce } from './SecretOnce.tsx'
import { TokenForm } from './TokenForm.tsx'
import { TokenTable } from './TokenTable.tsx'
import { useTokens } from './useTokens.ts'

/** API tokens: each person's own, and for administrators everyone's, with service tokens. */
export function TokensPage() {
  const { t } = useTranslation('admin')
  const me = useMe()
  // A change in one list (mine, everyone's) shows in the other too.
  const [version, setVersion] = useState({ mine: 0, all: 0 })
  const changed = (which: 'mine' | 'all') => () =>
    setVersion((v) => (which === 'mine' ? { ...v, all: v.all + 1 } : { ...v, mine: v.mine + 1 }))
  return (
    <div className="page admin">
      <h1>{t('tokens.title')}</h1>
      <TokenSection
        which="mine"
        version={version.mine}
        changed={changed('mine')}
        title={t('tokens.mine')}
        help={t('tokens.mineHelp')}
      />
      {can(me?.role, 'manageUsers') && (
        <TokenSection
          which="all"
          version={version.all}
          changed={changed('all')}
          title={t('tokens.all')}
          help={t('tokens.allHelp')}
        />
      )}
    </div>
  )
}

function TokenSection({
  which,
  version,
  changed,
  title,
  help,
}: {
  which: 'mine' | 'all'
  version: number
  changed: () => void
  title: string
  help: string
}) {
  const { t } = useTranslation('admin')
  const tokens = useTokens(which, version, changed)
  const users = useAsync(() => (which === 'all' ? listUsers() : Promise.resolve([])), [which])
  return (
    <section className="admin-section" data-section={which}>
      <h2>{title}</h2>
      <p className="muted">{help}</p>
      {tokens.made && <SecretOnce made={tokens.made} onDone={tokens.dismissSecret} />}
      {tokens.error && (
        <p className="error" role="alert">
          {problemText(tokens.error.problem, t)}
        </p>
      )}
      {tokens.revokedName && <p role="status">{t('tokens.revoked', { name: tokens.revokedName })}</p>}
      <div className="admin-grid">
        <TokenForm
          users={which === 'all' ? (users.data ?? []) : undefined}
          busy={tokens.busy}
          onCreate={tokens.create}
        />
        <TokenTable
          tokens={tokens.tokens}
          showUser={which === 'all'}
          busy={tokens.busy}
          onRevoke={tokens.revoke}
        />
      </div>
    </section>
  )
}
