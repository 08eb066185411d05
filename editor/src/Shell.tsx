import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, getToken, setToken } from './api/client.ts'
import { getMe, type Me } from './api/users.ts'
import { landingPage, mayOpen, pagesFor } from './auth/access.ts'
import { SignIn } from './auth/SignIn.tsx'
import { SessionContext } from './auth/session.ts'
import { InboxPage } from './console/InboxPage.tsx'
import { TicketPage } from './console/TicketPage.tsx'
import { LANGUAGES, setLanguage } from './i18n.ts'
import { NotificationBell } from './notifications/NotificationBell.tsx'
import { navigate, type Route } from './useRoute.ts'

// The flowchart pages load on demand: agents working tickets do not download the designer.
const loadDesigner = () => import('./designer/DesignerPage.tsx')
const DesignerPage = lazy(() => loadDesigner().then((m) => ({ default: m.DesignerPage })))

const whenIdle = (run: () => void) =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(run) : setTimeout(run, 200)
const OutboxPage = lazy(() => import('./outbox/OutboxPage.tsx').then((m) => ({ default: m.OutboxPage })))
const AuditPage = lazy(() => import('./audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })))
const DashboardPage = lazy(() =>
  import('./dashboard/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })),
)

/** The signed-in user of the stored token; a token the server no longer knows signs out. */
function useSession() {
  const [me, setMe] = useState<Me | null>(null)
  const [state, setState] = useState<'checking' | 'in' | 'out'>(() => (getToken() ? 'checking' : 'out'))
  const [expired, setExpired] = useState(false)
  useEffect(() => {
    if (state !== 'checking') return
    let cancelled = false
    getMe()
      .then((u) => {
        if (cancelled) return
        setMe(u)
        setState('in')
      })
      .catch((err) => {
        if (cancelled) return
        if (err instanceof ApiError && err.status === 401) {
          setToken(null)
          setExpired(true)
        }
        setState('out')
      })
    return () => {
      cancelled = true
    }
  }, [state])
  const signedIn = useCallback((u: Me) => {
    setMe(u)
    setExpired(false)
    setState('in')
  }, [])
  const signOut = useCallback(() => {
    setToken(null)
    setMe(null)
    setState('out')
  }, [])
  return { me, state, expired, signedIn, signOut }
}

/** The app frame: navigation for the user's role, language switch, sign-in, and the page for the route. */
export function Shell({ route }: { route: Route }) {
  const { t, i18n } = useTranslation()
  const session = useSession()
  const { me } = session
  const [menuOpen, setMenuOpen] = useState(false)
  const page = route.segments[0] ?? ''
  const role = me?.role
  useEffect(() => {
    if (!me) return
    // Each role lands on its own page; a page it may not use sends it there too.
    if (!page || !mayOpen(me.role, page)) navigate(`/${landingPage(me.role)}`)
    if (me.role === 'owner' || me.role === 'admin') whenIdle(() => void loadDesigner())
  }, [me, page])
  const sub = route.segments[1]
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu whenever the page changes
  useEffect(() => setMenuOpen(false), [page, sub])
  const current = page === 'tickets' ? 'inbox' : page
  return (
    <div className="shell">
      <header className={`shell-header ${menuOpen ? 'is-open' : ''}`}>
        <strong className="shell-brand">{t('app')}</strong>
        <button
          type="button"
          className="shell-menu"
          aria-expanded={menuOpen}
          aria-controls="shell-menu"
          onClick={() => setMenuOpen((v) => !v)}
        >
          {t('menu')}
        </button>
        <div className="shell-menu-items" id="shell-menu">
          {me && (
            <nav className="shell-nav">
              {pagesFor(role).map((p) => (
                <a key={p} href={`#/${p}`} aria-current={current === p ? 'page' : undefined}>
                  {t(`nav.${p}`)}
                </a>
              ))}
            </nav>
          )}
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
          {me && <NotificationBell />}
          {me && (
            <span className="shell-user muted small">
              {me.name} · {t(`roles.${me.role}`, { defaultValue: me.role })}
            </span>
          )}
          {me && (
            <button type="button" className="shell-signout" onClick={session.signOut}>
              {t('signIn.signOut')}
            </button>
          )}
        </div>
      </header>
      <main className="shell-main">
        {session.state === 'in' && me ? (
          <SessionContext.Provider value={me}>
            {page === 'designer' && <p className="narrow-notice">{t('narrowScreen')}</p>}
            <Suspense fallback={<p className="page muted">{t('loading')}</p>}>
              {mayOpen(me.role, page) && <Page route={route} />}
            </Suspense>
          </SessionContext.Provider>
        ) : session.state === 'checking' ? (
          <p className="page muted">{t('loading')}</p>
        ) : (
          <SignIn onSignedIn={session.signedIn} expired={session.expired} />
        )}
      </main>
    </div>
  )
}

function Page({ route }: { route: Route }) {
  switch (route.segments[0]) {
    case 'inbox':
      return <InboxPage route={route} />
    case 'tickets':
      return <TicketPage ticketId={route.segments[1] ?? ''} />
    case 'audit':
      return <AuditPage route={route} />
    case 'dashboard':
      return <DashboardPage route={route} />
    case 'designer':
      return <DesignerPage route={route} />
    case 'outbox':
      return <OutboxPage />
    default:
      return null
  }
}
