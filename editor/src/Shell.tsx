import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { landingPage, mayOpen, pagesFor } from './auth/access.ts'
import { ChoosePassword } from './auth/ChoosePassword.tsx'
import { SignIn } from './auth/SignIn.tsx'
import { SessionContext } from './auth/session.ts'
import { useSession } from './auth/useSession.ts'
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
const ConnectionsPage = lazy(() =>
  import('./channels/ConnectionsPage.tsx').then((m) => ({ default: m.ConnectionsPage })),
)
const OutboxPage = lazy(() => import('./outbox/OutboxPage.tsx').then((m) => ({ default: m.OutboxPage })))
const AuditPage = lazy(() => import('./audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })))
const UsersPage = lazy(() => import('./admin/UsersPage.tsx').then((m) => ({ default: m.UsersPage })))
const TeamsPage = lazy(() => import('./admin/TeamsPage.tsx').then((m) => ({ default: m.TeamsPage })))
const TokensPage = lazy(() => import('./admin/TokensPage.tsx').then((m) => ({ default: m.TokensPage })))
const AdminLogPage = lazy(() => import('./admin/AdminLogPage.tsx').then((m) => ({ default: m.AdminLogPage })))
const CalendarsPage = lazy(() =>
  import('./calendars/CalendarsPage.tsx').then((m) => ({ default: m.CalendarsPage })),
)
const DashboardPage = lazy(() =>
  import('./dashboard/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })),
)

/** The app frame: navigation for the user's role, language switch, sign-in, and the page for the route. */
export function Shell({ route }: { route: Route }) {
  const { t, i18n } = useTranslation()
  const session = useSession()
  const { me } = session
  const [menuOpen, setMenuOpen] = useState(false)
  const page = route.segments[0] ?? ''
  const role = me?.role
  // The pages of one-time links (setup, invitation, reset) open signed in or not.
  const linkPage = LINK_PAGES.includes(page)
  useEffect(() => {
    if (!me || linkPage) return
    // Each role lands on its own page; a page it may not use sends it there too.
    if (!page || !mayOpen(me.role, page)) navigate(`/${landingPage(me.role)}`)
    if (me.role === 'owner' || me.role === 'admin') whenIdle(() => void loadDesigner())
  }, [me, page, linkPage])
  const sub = route.segments[1]
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu whenever the page changes
  useEffect(() => setMenuOpen(false), [page, sub])
  const current = page === 'tickets' ? 'inbox' : page
  const ssoError = page === 'signin' ? route.query.get('error') : null
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
              {me.name} · {t(`roles.${me.role}`, { defaultValue: me.role })} ·{' '}
              <a href="#/tokens" aria-current={current === 'tokens' ? 'page' : undefined}>
                {t('nav.tokens')}
              </a>
            </span>
          )}
          {me && (
            <button type="button" className="shell-signout" onClick={session.signOut}>
              {t('signIn.signOut')}
            </button>
          )}
          {me && (
            <button type="button" className="shell-signout-all" onClick={session.signOutAll}>
              {t('signIn.signOutEverywhere')}
            </button>
          )}
        </div>
      </header>
      <main className="shell-main">
        {linkPage && session.state !== 'checking' ? (
          <ChoosePassword
            key={sub}
            secret={sub ?? ''}
            onSignedIn={(u) => {
              session.signedIn(u)
              navigate(`/${landingPage(u.role)}`)
            }}
          />
        ) : session.state === 'in' && me ? (
          <SessionContext.Provider value={me}>
            {page === 'designer' && <p className="narrow-notice">{t('narrowScreen')}</p>}
            <Suspense fallback={<p className="page muted">{t('loading')}</p>}>
              {mayOpen(me.role, page) && <Page route={route} />}
            </Suspense>
            {session.lapsed && (
              // Signing in again over the page keeps the page, and all that was typed into it.
              <div className="sign-in-overlay" role="dialog" aria-modal="true" aria-label={t('signIn.title')}>
                <SignIn onSignedIn={session.signedIn} expired />
              </div>
            )}
          </SessionContext.Provider>
        ) : session.state === 'checking' ? (
          <p className="page muted">{t('loading')}</p>
        ) : (
          <SignIn
            onSignedIn={session.signedIn}
            expired={session.expired}
            error={
              ssoError ? t(`problems.${ssoError}`, { defaultValue: t('problems.sso_failed') }) : undefined
            }
          />
        )}
      </main>
    </div>
  )
}

const LINK_PAGES = ['setup', 'invite', 'reset']

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
    case 'users':
      return <UsersPage />
    case 'teams':
      return <TeamsPage />
    case 'tokens':
      return <TokensPage />
    case 'admin-log':
      return <AdminLogPage />
    case 'channels':
      return <ConnectionsPage />
    case 'outbox':
      return <OutboxPage />
    case 'calendars':
      return <CalendarsPage route={route} />
    default:
      return null
  }
}
