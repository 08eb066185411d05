import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { getToken, setToken } from './api/client.ts'
import { getMe } from './api/users.ts'
import { SignIn } from './auth/SignIn.tsx'
import { InboxPage } from './console/InboxPage.tsx'
import { TicketPage } from './console/TicketPage.tsx'
import { LANGUAGES, setLanguage } from './i18n.ts'
import type { Route } from './useRoute.ts'

// The flowchart pages load on demand: agents working tickets do not download the designer.
const loadDesigner = () => import('./designer/DesignerPage.tsx')
const DesignerPage = lazy(() => loadDesigner().then((m) => ({ default: m.DesignerPage })))

/** Roles that draw SOPs: their browser fetches the designer while idle, so it opens at once. */
const DESIGNS = new Set(['owner', 'admin'])
const whenIdle = (run: () => void) =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(run) : setTimeout(run, 200)
const AuditPage = lazy(() => import('./audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })))
const DashboardPage = lazy(() =>
  import('./dashboard/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })),
)

/** The app frame: navigation, language switch, sign-in, and the page for the route. */
export function Shell({ route }: { route: Route }) {
  const { t, i18n } = useTranslation()
  const [signedIn, setSignedIn] = useState(() => Boolean(getToken()))
  const page = route.segments[0] ?? 'designer'
  useEffect(() => {
    if (!signedIn) return
    let cancelled = false
    getMe()
      .then((me) => {
        if (!cancelled && DESIGNS.has(me.role)) whenIdle(() => void loadDesigner())
      })
      .catch(() => {})
    return () => {
      cancelled = true
    }
  }, [signedIn])
  return (
    <div className="shell">
      <header className="shell-header">
        <strong className="shell-brand">{t('app')}</strong>
        <nav className="shell-nav">
          <a href="#/designer" aria-current={page === 'designer' ? 'page' : undefined}>
            {t('nav.designer')}
          </a>
          <a href="#/inbox" aria-current={page === 'inbox' || page === 'tickets' ? 'page' : undefined}>
            {t('nav.inbox')}
          </a>
          <a href="#/audit" aria-current={page === 'audit' ? 'page' : undefined}>
            {t('nav.audit')}
          </a>
          <a href="#/dashboard" aria-current={page === 'dashboard' ? 'page' : undefined}>
            {t('nav.dashboard')}
          </a>
        </nav>
        <label className="shell-lang">
          {t('language')}{' '}
          <select value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        {signedIn && (
          <button
            type="button"
            className="shell-signout"
            onClick={() => {
              setToken(null)
              setSignedIn(false)
            }}
          >
            {t('signIn.signOut')}
          </button>
        )}
      </header>
      <main className="shell-main">
        {signedIn ? (
          <Suspense fallback={<p className="page muted">{t('loading')}</p>}>
            <Page route={route} />
          </Suspense>
        ) : (
          <SignIn onSignedIn={() => setSignedIn(true)} />
        )}
      </main>
    </div>
  )
}

function Page({ route }: { route: Route }) {
  switch (route.segments[0] ?? 'designer') {
    case 'inbox':
      return <InboxPage route={route} />
    case 'tickets':
      return <TicketPage ticketId={route.segments[1] ?? ''} />
    case 'audit':
      return <AuditPage route={route} />
    case 'dashboard':
      return <DashboardPage route={route} />
    default:
      return <DesignerPage route={route} />
  }
}
