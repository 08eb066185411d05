import type { TransitionRecord } from '../../engine/index.ts'
import type { AuditRow, MetricsFilter, Storage } from '../storage/types.ts'
import type { TicketService } from './tickets.ts'

export interface Metrics {
  tickets: number
  open: number
  closed: number
  /** First response time: ticket created → first human action or customer-visible note. */
  frt: { avgMs: number | null; medianMs: number | null; count: number }
  /** Average total handling time: created → closed. */
  atht: { avgMs: number | null; medianMs: number | null; count: number }
  /** First contact resolution: resolved by one person, without waiting on the customer, escalation or override. */
  fcr: { rate: number | null; count: number; of: number }
  outcomes: Record<string, number>
  volume: { byChannel: Record<string, number>; byDay: { day: string; count: number }[] }
  slaBreachRate: number | null
  breaches: number
  steps: {
    sopId: string
    stepId: string
    title: string
    kind: string
    count: number
    avgMs: number | null
    breaches: number
    /** Open tickets in this step now. */
    current: number
  }[]
  surveys: {
    count: number
    /** Average CSAT (1–5) and the share of 4–5 answers. */
    csat: number | null
    csatSatisfied: number | null
    /** Net promoter score (−100…100). */
    nps: number | null
    /** Average customer effort (1–7, lower is easier). */
    ces: number | null
  }
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
const median = (xs: number[]) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function recordOf(a: AuditRow): TransitionRecord | null {
  const p = a.payload as { record?: TransitionRecord }
  return p?.record ?? null
}

/** The supervisor's figures, computed from the tickets and their transition log. */
export async function computeMetrics(
  storage: Storage,
  tickets: TicketService,
  filter: MetricsFilter,
): Promise<Metrics> {
  const rows = await storage.ticketsForMetrics(filter)
  const audits = await storage.auditForTickets(rows.map((t) => t.id))
  const surveys = await storage.listSurveys({ ticketIds: rows.map((t) => t.id) })
  const frt: number[] = []
  const atht: number[] = []
  let fcrYes = 0
  let fcrOf = 0
  let breachedTickets = 0
  let breaches = 0
  const outcomes: Record<string, number> = {}
  const byChannel: Record<string, number> = {}
  const byDay = new Map<string, number>()
  const steps = new Map<string, Metrics['steps'][number] & { total: number; timed: number }>()

  for (const t of rows) {
    const sop = await tickets.sopFor(t.sopId, t.sopVersion)
    const stepStat = (stepId: string) => {
      const key = `${t.sopId}\u0000${stepId}`
      let s = steps.get(key)
      if (!s) {
        const step = sop.steps.get(stepId)
        s = {
          sopId: t.sopId,
          stepId,
          title: step?.title ?? stepId,
          kind: step?.kind ?? 'task',
          count: 0,
          avgMs: null,
          breaches: 0,
          current: 0,
          total: 0,
          timed: 0,
        }
        steps.set(key, s)
      }
      return s
    }
    byChannel[t.channel] = (byChannel[t.channel] ?? 0) + 1
    const day = t.createdAt.slice(0, 10)
    byDay.set(day, (byDay.get(day) ?? 0) + 1)
    const audit = audits.get(t.id) ?? []
    const created = Date.parse(t.createdAt)
    const firstHuman = audit.find(
      (a) =>
        a.seq > 0 &&
        a.actorId !== 'system' &&
        (a.type === 'transition' ||
          a.type === 'override' ||
          (a.type === 'note' && (a.payload as { visibility?: string }).visibility === 'customer')),
    )
    if (firstHuman) frt.push(Date.parse(firstHuman.at) - created)
    if (t.status === 'closed' && t.closedAt) {
      atht.push(Date.parse(t.closedAt) - created)
      outcomes[t.outcome ?? 'closed'] = (outcomes[t.outcome ?? 'closed'] ?? 0) + 1
    }
    // Walk the records: time in each step, breaches, and whether the contact was resolved at once.
    const enteredAt = new Map<string, number>()
    let ticketBreaches = 0
    let interrupted = false
    const handlers = new Set<string>()
    for (const a of audit) {
      const r = recordOf(a)
      if (!r) continue
      const at = Date.parse(r.at)
      for (const id of r.exited) {
        const since = enteredAt.get(id)
        const kind = sop.steps.get(id)?.kind
        if (since !== undefined && kind !== 'group' && kind !== 'parallel') {
          const s = stepStat(id)
          s.total += at - since
          s.timed++
        }
        enteredAt.delete(id)
      }
      for (const id of r.entered) {
        const kind = sop.steps.get(id)?.kind
        if (kind === 'group' || kind === 'parallel') continue
        enteredAt.set(id, at)
        stepStat(id).count++
        if (kind === 'wait') interrupted = true
      }
      if (r.breach) {
        ticketBreaches++
        stepStat(r.breach.stepId).breaches++
        if (r.breach.escalateTo) interrupted = true
      }
      if (r.kind === 'override') interrupted = true
      if (r.kind === 'action') handlers.add(r.actor.id)
    }
    // Handed from one person to another (an escalation, a transfer): not resolved at first contact.
    if (handlers.size > 1) interrupted = true
    if (t.status === 'open') for (const id of t.steps) stepStat(id).current++
    breaches += ticketBreaches
    if (ticketBreaches) breachedTickets++
    if (t.status === 'closed') {
      fcrOf++
      if (t.outcome === 'resolved' && !interrupted) fcrYes++
    }
  }

  const csats = surveys.map((s) => s.csat).filter((x): x is number => x !== null)
  const npss = surveys.map((s) => s.nps).filter((x): x is number => x !== null)
  const cess = surveys.map((s) => s.ces).filter((x): x is number => x !== null)
  return {
    tickets: rows.length,
    open: rows.filter((t) => t.status === 'open').length,
    closed: rows.filter((t) => t.status === 'closed').length,
    frt: { avgMs: avg(frt), medianMs: median(frt), count: frt.length },
    atht: { avgMs: avg(atht), medianMs: median(atht), count: atht.length },
    fcr: { rate: fcrOf ? fcrYes / fcrOf : null, count: fcrYes, of: fcrOf },
    outcomes,
    volume: {
      byChannel,
      byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    },
    slaBreachRate: rows.length ? breachedTickets / rows.length : null,
    breaches,
    steps: [...steps.values()].map(({ total, timed, ...s }) => ({
      ...s,
      avgMs: timed ? total / timed : null,
    })),
    surveys: {
      count: surveys.length,
      csat: avg(csats),
      csatSatisfied: csats.length ? csats.filter((x) => x >= 4).length / csats.length : null,
      nps: npss.length
        ? Math.round(
            ((npss.filter((x) => x >= 9).length - npss.filter((x) => x <= 6).length) / npss.length) * 100,
          )
        : null,
      ces: avg(cess),
    },
  }
}
