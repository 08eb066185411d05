import {
  businessMsBetween,
  type CompiledSop,
  type Targets,
  type TransitionRecord,
} from '../../engine/index.ts'
import type { AuditRow, MetricsFilter, Storage, Survey, TicketRow } from '../storage/types.ts'
import { calendarOfMetric, calendarOfStep, type PolicyFigures, policyTally } from './metricsPolicy.ts'
import type { TicketService } from './tickets.ts'

/** Where the compiled SOP version of a ticket comes from. */
export type SopSource = Pick<TicketService, 'sopFor'>

/**
 * The supervisor's figures. Each is defined once here and in the README's "Metrics" section;
 * the dashboard's help repeats the same definitions.
 */
export interface Figures {
  /** Tickets created in the period that match the filters. */
  tickets: number
  open: number
  closed: number
  /** First response time: created → first record by a person (an action, an override, a note to the customer). */
  frt: { avgMs: number | null; medianMs: number | null; count: number }
  /** Average total handling time: created → closed, over closed tickets. */
  atht: { avgMs: number | null; medianMs: number | null; count: number }
  /**
   * FRT and ATHT in business time: open hours of the calendar each ticket's first-reply and
   * resolution targets counted in (its first step's team's, else the SOP's; wall-clock time without one).
   */
  business?: {
    frt: { avgMs: number | null; medianMs: number | null }
    atht: { avgMs: number | null; medianMs: number | null }
  }
  /**
   * First contact resolution: of the closed tickets that were not cancelled (spam, duplicates), the
   * share that ended resolved without an interruption: no wait the SOP marks as a third-party
   * wait, no SLA escalation, no override, and actions by one person only.
   */
  fcr: { rate: number | null; count: number; of: number }
  /** Per ticket-level policy target (first reply, next reply, resolution): tickets it applied to, breached, rate. */
  policy?: PolicyFigures
  /** Tickets with at least one SLA breach, over all tickets. */
  slaBreachRate: number | null
  breaches: number
  breachedTickets: number
  surveys: {
    count: number
    /** Average CSAT (1–5) and the share of 4–5 answers. */
    csat: number | null
    csatCount: number
    csatSatisfied: number | null
    /** Net promoter score (−100…100): % of 9–10 answers minus % of 0–6 answers. */
    nps: number | null
    npsCount: number
    /** Average customer effort (1–7, lower is easier). */
    ces: number | null
    cesCount: number
    /** Answers the customers gave themselves (the survey page) and answers agents entered. */
    customerCount: number
    agentCount: number
  }
}

/** The ticket ids behind each figure, for drilling down. */
export const DRILL_KEYS = ['tickets', 'open', 'frt', 'atht', 'fcr', 'fcrOf', 'sla', 'surveys'] as const
export type DrillKey = (typeof DRILL_KEYS)[number]

export interface StepFigure {
  sopId: string
  stepId: string
  title: string
  kind: string
  /** How many times tickets entered the step. */
  count: number
  /** Average time spent in the step, per visit that left it. */
  avgMs: number | null
  /** The same in business time: open hours of the step's calendar (its SLA's, its team's, else the SOP's). */
  avgBusinessMs: number | null
  breaches: number
  /** Open tickets in this step now. */
  current: number
}

export interface Metrics extends Figures {
  /** The period asked for and the previous period of the same length (trend), when both ends are given. */
  period: { from: string | null; to: string | null; previousFrom: string | null; previousTo: string | null }
  /** The same figures over the previous period (null without a closed period). */
  previous: Figures | null
  /** The targets the SOP states (of the chosen SOP version, else its latest), or null. */
  targets: Targets | null
  outcomes: Record<string, number>
  volume: { byChannel: Record<string, number>; byDay: { day: string; count: number }[] }
  steps: StepFigure[]
  drill: Record<DrillKey, string[]>
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
export const median = (xs: number[]) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function recordOf(a: AuditRow): TransitionRecord | null {
  const p = a.payload as { record?: TransitionRecord }
  return p?.record ?? null
}

/** What one ticket's log says: its first response, breaches, and whether its contact was interrupted. */
export interface TicketWalk {
  firstResponseAt: string | null
  breaches: number
  interrupted: boolean
}

/**
 * Walks one ticket's records. `onStep` receives each visit of a leaf step (entered, left) and
 * each breach, for the per-step figures.
 */
export function walkTicket(
  sop: CompiledSop,
  audit: AuditRow[],
  onStep?: (e: {
    stepId: string
    entered?: true
    spentMs?: number
    businessMs?: number
    breach?: true
  }) => void,
): TicketWalk {
  const firstHuman = audit.find(
    (a) =>
      a.seq > 0 &&
      a.actorId !== 'system' &&
      (a.type === 'transition' ||
        a.type === 'override' ||
        (a.type === 'note' && (a.payload as { visibility?: string }).visibility === 'customer')),
  )
  const enteredAt = new Map<string, number>()
  let breaches = 0
  let interrupted = false
  const handlers = new Set<string>()
  const leaf = (id: string) => {
    const kind = sop.steps.get(id)?.kind
    return kind !== 'group' && kind !== 'parallel'
  }
  for (const a of audit) {
    const r = recordOf(a)
    if (!r) continue
    const at = Date.parse(r.at)
    for (const id of r.exited) {
      const since = enteredAt.get(id)
      if (since !== undefined && leaf(id) && onStep)
        onStep({
          stepId: id,
          spentMs: at - since,
          businessMs: businessMsBetween(calendarOfStep(sop, id), since, at),
        })
      enteredAt.delete(id)
    }
    for (const id of r.entered) {
      if (!leaf(id)) continue
      enteredAt.set(id, at)
      onStep?.({ stepId: id, entered: true })
      const step = sop.steps.get(id)
      // Only a wait the SOP marks as waiting on a third party interrupts the contact.
      if (step?.kind === 'wait' && step.waitKind === 'third_party') interrupted = true
    }
    if (r.breach) {
      breaches++
      onStep?.({ stepId: r.breach.stepId, breach: true })
      if (r.breach.escalateTo) interrupted = true
    }
    if (r.kind === 'override') interrupted = true
    // The customer wrote again after it was closed: the first contact did not resolve it.
    if (r.kind === 'reopen') interrupted = true
    if (r.kind === 'action') handlers.add(r.actor.id)
  }
  // Handed from one person to another (an escalation, a transfer): not resolved at first contact.
  if (handlers.size > 1) interrupted = true
  return { firstResponseAt: firstHuman?.at ?? null, breaches, interrupted }
}

/** An answer the customer gave on the survey page (not one an agent typed in). */
const byCustomer = (s: Survey) => s.createdBy === 'customer'

interface Loaded {
  rows: TicketRow[]
  audits: Map<string, AuditRow[]>
  surveys: Survey[]
  sops: Map<string, CompiledSop>
}

async function load(storage: Storage, tickets: SopSource, filter: MetricsFilter): Promise<Loaded> {
  const rows = await storage.ticketsForMetrics(filter)
  const ids = rows.map((t) => t.id)
  const [audits, surveys] = await Promise.all([
    storage.auditForTickets(ids),
    storage
      .listSurveys({ ticketIds: ids })
      .then((all) => (filter.agentSurveys === 'exclude' ? all.filter(byCustomer) : all)),
  ])
  const sops = new Map<string, CompiledSop>()
  for (const t of rows) {
    const key = `${t.sopId}@${t.sopVersion}`
    if (!sops.has(key)) sops.set(key, await tickets.sopFor(t.sopId, t.sopVersion))
  }
  return { rows, audits, surveys, sops }
}

const sopOf = (l: Loaded, t: TicketRow) => l.sops.get(`${t.sopId}@${t.sopVersion}`) as CompiledSop

/** The headline figures of a set of tickets, with the ticket ids behind each. */
function figures(l: Loaded): { figures: Figures; drill: Record<DrillKey, string[]> } {
  const drill = Object.fromEntries(DRILL_KEYS.map((k) => [k, [] as string[]])) as Record<DrillKey, string[]>
  const frt: number[] = []
  const atht: number[] = []
  const frtBusiness: number[] = []
  const athtBusiness: number[] = []
  let breaches = 0
  const policy = policyTally()
  for (const t of l.rows) {
    drill.tickets.push(t.id)
    if (t.status === 'open') drill.open.push(t.id)
    const sop = sopOf(l, t)
    const w = walkTicket(sop, l.audits.get(t.id) ?? [])
    const created = Date.parse(t.createdAt)
    const audit = l.audits.get(t.id) ?? []
    policy.add(sop, audit)
    if (w.firstResponseAt) {
      frt.push(Date.parse(w.firstResponseAt) - created)
      frtBusiness.push(
        businessMsBetween(
          calendarOfMetric(sop, 'first_reply', audit),
          created,
          Date.parse(w.firstResponseAt),
        ),
      )
      drill.frt.push(t.id)
    }
    if (t.status === 'closed' && t.closedAt) {
      atht.push(Date.parse(t.closedAt) - created)
      athtBusiness.push(
        businessMsBetween(calendarOfMetric(sop, 'resolution', audit), created, Date.parse(t.closedAt)),
      )
      drill.atht.push(t.id)
    }
    breaches += w.breaches
    if (w.breaches) drill.sla.push(t.id)
    if (t.status === 'closed' && t.outcome !== 'cancelled') {
      drill.fcrOf.push(t.id)
      if (t.outcome === 'resolved' && !w.interrupted) drill.fcr.push(t.id)
    }
  }
  const csats = l.surveys.map((s) => s.csat).filter((x): x is number => x !== null)
  const npss = l.surveys.map((s) => s.nps).filter((x): x is number => x !== null)
  const cess = l.surveys.map((s) => s.ces).filter((x): x is number => x !== null)
  drill.surveys = [...new Set(l.surveys.map((s) => s.ticketId).filter((x): x is string => Boolean(x)))]
  const n = l.rows.length
  return {
    drill,
    figures: {
      tickets: n,
      open: drill.open.length,
      closed: n - drill.open.length,
      frt: { avgMs: avg(frt), medianMs: median(frt), count: frt.length },
      atht: { avgMs: avg(atht), medianMs: median(atht), count: atht.length },
      business: {
        frt: { avgMs: avg(frtBusiness), medianMs: median(frtBusiness) },
        atht: { avgMs: avg(athtBusiness), medianMs: median(athtBusiness) },
      },
      fcr: {
        rate: drill.fcrOf.length ? drill.fcr.length / drill.fcrOf.length : null,
        count: drill.fcr.length,
        of: drill.fcrOf.length,
      },
      ...(policy.figures() ? { policy: policy.figures() } : {}),
      slaBreachRate: n ? drill.sla.length / n : null,
      breaches,
      breachedTickets: drill.sla.length,
      surveys: {
        count: l.surveys.length,
        csat: avg(csats),
        csatCount: csats.length,
        csatSatisfied: csats.length ? csats.filter((x) => x >= 4).length / csats.length : null,
        nps: npss.length
          ? Math.round(
              ((npss.filter((x) => x >= 9).length - npss.filter((x) => x <= 6).length) / npss.length) * 100,
            )
          : null,
        npsCount: npss.length,
        ces: avg(cess),
        cesCount: cess.length,
        customerCount: l.surveys.filter(byCustomer).length,
        agentCount: l.surveys.filter((s) => !byCustomer(s)).length,
      },
    },
  }
}

/** Time in each step, visits, breaches and open tickets there now. */
function stepFigures(l: Loaded): StepFigure[] {
  const steps = new Map<string, StepFigure & { total: number; business: number; timed: number }>()
  for (const t of l.rows) {
    const sop = sopOf(l, t)
    const stat = (stepId: string) => {
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
          avgBusinessMs: null,
          breaches: 0,
          current: 0,
          total: 0,
          business: 0,
          timed: 0,
        }
        steps.set(key, s)
      }
      return s
    }
    walkTicket(sop, l.audits.get(t.id) ?? [], (e) => {
      const s = stat(e.stepId)
      if (e.entered) s.count++
      if (e.breach) s.breaches++
      if (e.spentMs !== undefined) {
        s.total += e.spentMs
        s.business += e.businessMs ?? e.spentMs
        s.timed++
      }
    })
    if (t.status === 'open') for (const id of t.steps) stat(id).current++
  }
  return [...steps.values()].map(({ total, business, timed, ...s }) => ({
    ...s,
    avgMs: timed ? total / timed : null,
    avgBusinessMs: timed ? business / timed : null,
  }))
}

/** The previous period of the same length, just before [from, to). */
export function previousPeriod(from?: string, to?: string): { from: string; to: string } | null {
  if (!from || !to) return null
  const a = Date.parse(from)
  const b = Date.parse(to)
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) return null
  return { from: new Date(a - (b - a)).toISOString(), to: new Date(a).toISOString() }
}

async function targetsFor(storage: Storage, filter: MetricsFilter, rows: TicketRow[]) {
  const sopIds = new Set(rows.map((t) => t.sopId))
  const sopId = filter.sopId ?? (sopIds.size === 1 ? [...sopIds][0] : undefined)
  if (!sopId) return null
  const v = filter.sopVersion
    ? await storage.getVersion(sopId, filter.sopVersion)
    : await storage.latestVersion(sopId)
  return v?.document.targets ?? null
}

/** The supervisor's figures, computed from the tickets and their transition log. */
export async function computeMetrics(
  storage: Storage,
  tickets: SopSource,
  filter: MetricsFilter,
): Promise<Metrics> {
  const l = await load(storage, tickets, filter)
  const { figures: now, drill } = figures(l)
  const prev = previousPeriod(filter.from, filter.to)
  const previous = prev ? figures(await load(storage, tickets, { ...filter, ...prev })).figures : null
  const outcomes: Record<string, number> = {}
  const byChannel: Record<string, number> = {}
  const byDay = new Map<string, number>()
  for (const t of l.rows) {
    byChannel[t.channel] = (byChannel[t.channel] ?? 0) + 1
    const day = t.createdAt.slice(0, 10)
    byDay.set(day, (byDay.get(day) ?? 0) + 1)
    if (t.status === 'closed') outcomes[t.outcome ?? 'closed'] = (outcomes[t.outcome ?? 'closed'] ?? 0) + 1
  }
  return {
    ...now,
    period: {
      from: filter.from ?? null,
      to: filter.to ?? null,
      previousFrom: prev?.from ?? null,
      previousTo: prev?.to ?? null,
    },
    previous,
    targets: await targetsFor(storage, filter, l.rows),
    outcomes,
    volume: {
      byChannel,
      byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
    },
    steps: stepFigures(l),
    drill,
  }
}
