import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { listTeams } from '../api/teams.ts'
import { listTickets, TICKET_SORTS, type TicketSort } from '../api/tickets.ts'
import { can } from '../auth/access.ts'
import { useMe } from '../auth/session.ts'
import { useAsync } from '../ui/useAsync.ts'
import type { Route } from '../useRoute.ts'
import { BulkAssign } from './BulkAssign.tsx'
import { DeskHelp } from './DeskHelp.tsx'
import { NewTicketForm } from './NewTicketForm.tsx'
import { TicketTable } from './TicketTable.tsx'
import { rememberInboxOrder, useInboxShortcuts } from './useDeskShortcuts.ts'

type Tab = 'mine' | 'queue' | 'unassigned' | 'all'
const TABS: Tab[] = ['mine', 'queue', 'unassigned', 'all']

/** Waits until `value` has stopped changing for `ms` before passing it on. */
function useSettled<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(id)
  }, [value, ms])
  return settled
}

/** The agent's inbox: their tickets, their team's queue and unassigned tickets, searched and sorted. */
export function InboxPage({ route }: { route: Route }) {
  const { t } = useTranslation('console')
  const me = useMe()
  const [tab, setTab] = useState<Tab>('mine')
  // A phone system's screen pop opens #/inbox/new?phone=…&channel=phone.
  const popped = route.segments[1] === 'new'
  const [creating, setCreating] = useState(popped)
  useEffect(() => {
    if (popped) setCreating(true)
  }, [popped])
  const [search, setSearch] = useState('')
  const [sort, setSort] = useState<TicketSort>('urgency')
  const [selected, setSelected] = useState(0)
  const [checked, setChecked] = useState<Set<string>>(new Set())
  const q = useSettled(search.trim())
  const data = useAsync(async () => {
    const common = { status: 'open', q: q || undefined, sort }
    // The queue is the server's: the team's unassigned work, and unteamed work for one's roles.
    const [mine, queue, unassigned, all] = await Promise.all([
      listTickets({ ...common, assignee: 'me' }),
      listTickets({ ...common, queue: 'me' }),
      listTickets({ ...common, unassigned: 'true' }),
      listTickets(common),
    ])
    return { mine, unassigned, all, queue }
  }, [q, sort])
  const teams = useAsync(listTeams, [])
  const teamName = me?.team ? (teams.data?.find((x) => x.id === me.team)?.name ?? me.team) : null
  const lists = data.data
  const rows = useMemo(() => (lists ? lists[tab] : []), [lists, tab])
  const ids = useMemo(() => rows.map((r) => r.id), [rows])
  useEffect(() => rememberInboxOrder(ids), [ids])
  const help = useInboxShortcuts(ids, selected, setSelected)
  const supervise = can(me?.role, 'supervise')
  const overdue = lists?.mine.filter((x) => x.overdue).length ?? 0
  return (
    <div className="page inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        {lists && (
          <span className="pill" data-testid="open-count">
            {t('inbox.openCount', { count: lists.all.length })}
          </span>
        )}
        {me && (
          <span className="muted">
            {t('inbox.signedInAs', { name: me.name, role: t(`roles.${me.role}`, { defaultValue: me.role }) })}
          </span>
        )}
        {can(me?.role, 'workTickets') && (
          <button type="button" className="primary" onClick={() => setCreating((v) => !v)}>
            {t('inbox.new')}
          </button>
        )}
      </div>
      {creating && (
        <NewTicketForm
          key={route.query.toString()}
          onCancel={() => setCreating(false)}
          phone={popped ? (route.query.get('phone') ?? undefined) : undefined}
          initialChannel={popped ? (route.query.get('channel') ?? undefined) : undefined}
        />
      )}
      <div className="inbox-tools">
        <input
          type="search"
          name="ticket-search"
          aria-label={t('inbox.search')}
          placeholder={t('inbox.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label>
          {t('inbox.sort')}{' '}
          <select name="ticket-sort" value={sort} onChange={(e) => setSort(e.target.value as TicketSort)}>
            {TICKET_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`inbox.sorts.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="tabs" role="tablist">
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={tab === k}
            className={tab === k ? 'tab is-current' : 'tab'}
            onClick={() => {
              setTab(k)
              setSelected(0)
            }}
          >
            {k === 'queue' && teamName ? t('inbox.tabs.queueOf', { team: teamName }) : t(`inbox.tabs.${k}`)}{' '}
            <span className="count">{lists ? lists[k].length : '…'}</span>
          </button>
        ))}
      </div>
      {data.error && <p className="error">{data.error.message}</p>}
      {overdue > 0 && <p className="warning">{t('inbox.overdueMine', { count: overdue })}</p>}
      {supervise && checked.size > 0 && (
        <BulkAssign
          tickets={rows.filter((r) => checked.has(r.id))}
          onDone={() => {
            setChecked(new Set())
            void data.reload()
          }}
        />
      )}
      <TicketTable
        rows={rows}
        selected={selected}
        checked={supervise ? checked : null}
        onCheck={(id, on) =>
          setChecked((s) => {
            const next = new Set(s)
            if (on) next.add(id)
            else next.delete(id)
            return next
          })
        }
      />
      <p className="muted small keys-hint">{t('keys.hint')}</p>
      {help.open && <DeskHelp onClose={help.close} />}
    </div>
  )
}
