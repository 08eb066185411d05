import { useEffect, useState } from 'react'
import { searchTickets } from '../api/audit.ts'
import { useAsync } from '../ui/useAsync.ts'

export const PAGE = 50

export interface AuditFilter {
  q: string
  sop: string
  version: string
  status: string
  outcome: string
  channel: string
  assignee: string
  from: string
  to: string
}

const EMPTY: AuditFilter = {
  q: '',
  sop: '',
  version: '',
  status: '',
  outcome: '',
  channel: '',
  assignee: '',
  from: '',
  to: '',
}

/** Local midnight of a yyyy-mm-dd date as an instant; `to` dates include their whole day. */
const dayStart = (d: string, plusDays = 0) => {
  if (!d) return ''
  const [y, m, day] = d.split('-').map(Number)
  return new Date(y, m - 1, day + plusDays).toISOString()
}

/** The search the auditor types: the text waits for a pause in typing; a page of 50 at a time. */
export function useAuditSearch() {
  const [filter, setFilter] = useState<AuditFilter>(EMPTY)
  const [q, setQ] = useState('')
  const [offset, setOffset] = useState(0)
  useEffect(() => {
    const timer = setTimeout(() => setQ(filter.q.trim()), 250)
    return () => clearTimeout(timer)
  }, [filter.q])
  const result = useAsync(
    () =>
      searchTickets({
        q,
        sop: filter.sop,
        version: filter.sop ? filter.version : '',
        status: filter.status,
        outcome: filter.outcome,
        channel: filter.channel,
        assignee: filter.assignee,
        from: dayStart(filter.from),
        to: dayStart(filter.to, 1),
        limit: String(PAGE),
        offset: String(offset),
      }),
    [
      q,
      filter.sop,
      filter.version,
      filter.status,
      filter.outcome,
      filter.channel,
      filter.assignee,
      filter.from,
      filter.to,
      offset,
    ],
  )
  const set = (key: keyof AuditFilter, value: string) => {
    setFilter((f) => ({ ...f, [key]: value, ...(key === 'sop' ? { version: '' } : {}) }))
    setOffset(0)
  }
  return { filter, set, result, offset, setOffset }
}
