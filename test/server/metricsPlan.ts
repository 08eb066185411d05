/**
 * A seeded plan of many tickets with known timelines, and the dashboard's figures computed from
 * the plan alone — a second, simple reading of the definitions in the README's "Metrics" section,
 * which never looks at sopflow's records.
 */

export const MIN = 60_000
export const DAY = 24 * 60 * MIN
export const T0 = Date.parse('2026-03-02T00:00:00.000Z')

/** One SOP for the plan, in two shapes: `triageDue` differs between versions. */
export function oracleSop(id: string, title: string, triageDue: string) {
  return {
    schema: 'sopflow/v1',
    id,
    title,
    department: 'Support',
    purpose: 'Tickets with known timelines, for checking the dashboard.',
    fields: [],
    // A customer writing again on a resolved ticket reopens it at `work`.
    closedReply: { mode: 'reopen', step: 'work' },
    initial: 'triage',
    steps: [
      { id: 'triage', kind: 'task', title: 'Triage', sla: { due: triageDue, notify: 'supervisor' } },
      {
        id: 'work',
        kind: 'task',
        title: 'Work on it',
        sla: { due: 'PT2H', escalateTo: 'review', notify: 'supervisor' },
      },
      { id: 'wait_customer', kind: 'wait', title: 'Wait for the customer', waitKind: 'customer' },
      { id: 'wait_vendor', kind: 'wait', title: 'Wait for the vendor', waitKind: 'third_party' },
      { id: 'review', kind: 'task', title: 'Review' },
      { id: 'resolved', kind: 'end', title: 'Resolved', outcome: 'resolved' },
      { id: 'unresolved', kind: 'end', title: 'No answer', outcome: 'no_response' },
      { id: 'cancelled', kind: 'end', title: 'Cancelled', outcome: 'cancelled' },
    ],
    transitions: [
      { id: 'take', from: 'triage', to: 'work', action: 'take', label: 'Take' },
      {
        id: 'cancel',
        from: 'triage',
        to: 'cancelled',
        action: 'cancel',
        label: 'Cancel',
        skipRequirements: true,
      },
      { id: 'ask_customer', from: 'work', to: 'wait_customer', action: 'ask_customer', label: 'Ask' },
      {
        id: 'customer_replied',
        from: 'wait_customer',
        to: 'work',
        action: 'customer_replied',
        label: 'Replied',
      },
      { id: 'ask_vendor', from: 'work', to: 'wait_vendor', action: 'ask_vendor', label: 'Ask the vendor' },
      {
        id: 'vendor_replied',
        from: 'wait_vendor',
        to: 'work',
        action: 'vendor_replied',
        label: 'Vendor replied',
      },
      { id: 'resolve', from: 'work', to: 'resolved', action: 'resolve', label: 'Resolve', primary: true },
      { id: 'give_up', from: 'work', to: 'unresolved', action: 'give_up', label: 'No answer' },
      { id: 'reviewed', from: 'review', to: 'resolved', action: 'reviewed', label: 'Reviewed' },
      { id: 'send_back', from: 'review', to: 'work', action: 'send_back', label: 'Send back' },
      // Timeouts far beyond the plan's end: they never fall due in it.
      { id: 'customer_silent', from: 'wait_customer', to: 'unresolved', after: 'P30D', label: 'No reply' },
      { id: 'vendor_silent', from: 'wait_vendor', to: 'review', after: 'P30D', label: 'Vendor silent' },
    ],
  }
}

/** Each SOP version of the plan: the SLA of triage and work, in minutes. */
export const VERSIONS: Record<string, { triage: number; work: number }> = {
  'oracle-a@1': { triage: 30, work: 120 },
  'oracle-a@2': { triage: 20, work: 120 },
  'oracle-b@1': { triage: 45, work: 120 },
}
/** oracle-a's second version is published at the start of the plan's third day. */
export const V2_AT = T0 + 2 * DAY
export const END_STEPS: Record<string, string> = {
  resolved: 'resolved',
  unresolved: 'no_response',
  cancelled: 'cancelled',
}
const NEXT: Record<string, Record<string, string>> = {
  triage: { take: 'work', cancel: 'cancelled' },
  work: {
    ask_customer: 'wait_customer',
    ask_vendor: 'wait_vendor',
    resolve: 'resolved',
    give_up: 'unresolved',
  },
  wait_customer: { customer_replied: 'work' },
  wait_vendor: { vendor_replied: 'work' },
  review: { reviewed: 'resolved', send_back: 'work' },
}

export type Actor = 'a1' | 'a2' | 'a3' | 'a4' | 'supervisor'
/** Teams of the plan's people; a4 and the supervisor, who oversees every team, belong to none. */
export const TEAMS: Record<Actor, string | null> = {
  a1: 'hanoi',
  a2: 'hanoi',
  a3: 'praha',
  a4: null,
  supervisor: null,
}
export type Op =
  | { at: number; kind: 'claim'; by: Actor }
  | { at: number; kind: 'action'; by: Actor; action: string }
  | { at: number; kind: 'override'; by: 'supervisor'; target: string }
  | { at: number; kind: 'assign'; by: 'supervisor'; to: Actor }
  | { at: number; kind: 'note'; by: Actor; customer: boolean }
  /** The customer writes again on the closed ticket, which reopens it at `work`. */
  | { at: number; kind: 'reopen' }

export interface Visit {
  step: string
  from: number
  to: number | null
}
export interface PlannedTicket {
  n: number
  sopId: string
  version: number
  channel: 'phone' | 'email' | 'chat'
  createdAt: number
  ops: Op[]
  /** Breaches the SLA timers fire, at their due time. */
  breaches: { at: number; step: string; escalates: boolean }[]
  // What the plan knows at its end:
  visits: Visit[]
  assignee: Actor | null
  closedAt: number | null
  outcome: string | null
  survey: { csat: number | null; nps: number | null; ces: number | null } | null
}

/** A small seeded generator (mulberry32). */
export function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]
  const weighted = <T extends string>(w: Record<T, number>): T => {
    const total = Object.values<number>(w).reduce((a, b) => a + b, 0)
    let r = next() * total
    for (const [k, v] of Object.entries<number>(w)) {
      r -= v
      if (r < 0) return k as T
    }
    return Object.keys(w)[0] as T
  }
  return { next, int, pick, weighted }
}

/** The plan ends (and the last timer tick happens) here. */
export const PLAN_END = T0 + 5 * DAY

/** Walks one ticket through the SOP at random, firing its SLA breaches at their due times. */
function walk(rnd: ReturnType<typeof random>, t: PlannedTicket): void {
  const sla = VERSIONS[`${t.sopId}@${t.version}`]
  let step = 'triage'
  let since = t.createdAt
  let now = t.createdAt
  let breached = false
  const enter = (next: string, at: number) => {
    t.visits.at(-1)!.to = at
    t.visits.push({ step: next, from: at, to: null })
    step = next
    since = at
    breached = false
    if (next in END_STEPS) {
      t.closedAt = at
      t.outcome = END_STEPS[next]
    }
  }
  /** Fires the breach of the current step if it falls due by `until`. */
  const timers = (until: number) => {
    const due = step === 'triage' ? sla.triage : step === 'work' ? sla.work : null
    if (due === null || breached || since + due * MIN > until) return
    const at = since + due * MIN
    breached = true
    t.breaches.push({ at, step, escalates: step === 'work' })
    if (step === 'work') enter('review', at)
  }
  t.visits.push({ step, from: now, to: null })
  if (rnd.next() < 0.7) {
    now += rnd.int(1, 4) * MIN + rnd.int(1, 59) * 1000
    const by = rnd.pick(['a1', 'a2', 'a3', 'a4'] as const)
    t.ops.push({ at: now, kind: 'claim', by })
    t.assignee = by
  }
  const steps = () => {
    for (let i = 0; i < 9 && !(step in END_STEPS); i++) {
      if (rnd.next() < 0.06) break // left open
      const wait = step.startsWith('wait_') ? rnd.int(10, 900) : rnd.int(2, step === 'triage' ? 50 : 170)
      const at = now + wait * MIN + rnd.int(1, 59) * 1000
      if (rnd.next() < 0.3) {
        // A note on the way, to the customer or internal.
        const noteAt = Math.floor((now + at) / 2)
        timers(noteAt)
        t.ops.push({ at: noteAt, kind: 'note', by: t.assignee ?? 'a1', customer: rnd.next() < 0.5 })
      }
      timers(at)
      now = at
      const agent = t.assignee ?? rnd.pick(['a1', 'a2', 'a3'] as const)
      const choice =
        step === 'review'
          ? rnd.weighted({ reviewed: 3, send_back: 1 })
          : step === 'triage'
            ? rnd.weighted({ take: 8, cancel: 1, override: 1 })
            : step === 'work'
              ? rnd.weighted({
                  resolve: 5,
                  ask_customer: 2,
                  ask_vendor: 1,
                  give_up: 1,
                  override: 0.5,
                  assign: 0.7,
                })
              : Object.keys(NEXT[step])[0]
      if (choice === 'override') {
        t.ops.push({ at, kind: 'override', by: 'supervisor', target: 'review' })
        enter('review', at)
      } else if (choice === 'assign') {
        const to = rnd.pick((['a1', 'a2', 'a3', 'a4'] as const).filter((a) => a !== t.assignee))
        t.ops.push({ at, kind: 'assign', by: 'supervisor', to })
        t.assignee = to
      } else {
        t.ops.push({ at, kind: 'action', by: step === 'review' ? 'supervisor' : agent, action: choice })
        enter(NEXT[step][choice], at)
      }
    }
  }
  steps()
  // Now and then the customer writes again on a resolved ticket: it is open again, at work.
  if (step === 'resolved' && rnd.next() < 0.4) {
    const at = now + rnd.int(60, 1440) * MIN + rnd.int(1, 59) * 1000
    if (at < PLAN_END - DAY) {
      t.ops.push({ at, kind: 'reopen' })
      t.closedAt = null
      t.outcome = null
      now = at
      enter('work', at)
      steps()
    }
  }
  if (!(step in END_STEPS)) timers(PLAN_END)
}

/** `count` tickets over four days, on three SOP versions, three channels, four agents. */
export function makePlan(seed: number, count: number): PlannedTicket[] {
  const rnd = random(seed)
  const plan: PlannedTicket[] = []
  for (let n = 0; n < count; n++) {
    const createdAt = T0 + rnd.int(0, 3) * DAY + rnd.int(8 * 60, 17 * 60) * MIN + rnd.int(1, 59) * 1000
    const sopId = rnd.next() < 0.65 ? 'oracle-a' : 'oracle-b'
    const t: PlannedTicket = {
      n,
      sopId,
      version: sopId === 'oracle-a' && createdAt >= V2_AT ? 2 : 1,
      channel: rnd.pick(['phone', 'email', 'chat'] as const),
      createdAt,
      ops: [],
      breaches: [],
      visits: [],
      assignee: null,
      closedAt: null,
      outcome: null,
      survey: null,
    }
    walk(rnd, t)
    if (t.closedAt !== null && rnd.next() < 0.6) {
      const maybe = <T>(v: T) => (rnd.next() < 0.15 ? null : v)
      t.survey = { csat: maybe(rnd.int(1, 5)), nps: maybe(rnd.int(0, 10)), ces: maybe(rnd.int(1, 7)) }
    }
    plan.push(t)
  }
  return plan
}

export interface Filter {
  sop?: string
  version?: number
  channel?: string
  team?: string
  from?: string
  to?: string
}

/** The tickets a filter selects: created in [from, to), of the SOP, version and channel, assigned to someone of the team. */
export function select(plan: PlannedTicket[], f: Filter): PlannedTicket[] {
  return plan.filter(
    (t) =>
      (!f.sop || t.sopId === f.sop) &&
      (!f.version || t.version === f.version) &&
      (!f.channel || t.channel === f.channel) &&
      (!f.team || (t.assignee !== null && TEAMS[t.assignee] === f.team)) &&
      (!f.from || t.createdAt >= Date.parse(f.from)) &&
      (!f.to || t.createdAt < Date.parse(f.to)),
  )
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
/** The middle value; of an even number of values, the mean of the two in the middle. */
const middle = (xs: number[]) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const k = s.length >> 1
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2
}

/** README, FRT: the first record by a person — an action, an override or a note to the customer. */
export const firstResponse = (t: PlannedTicket) =>
  t.ops.find((o) => o.kind === 'action' || o.kind === 'override' || (o.kind === 'note' && o.customer))?.at ??
  null
/**
 * README, FCR: a third-party wait, an escalating breach, an override, a reopen, or actions by more
 * than one person.
 */
export const interrupted = (t: PlannedTicket) =>
  t.visits.some((v) => v.step === 'wait_vendor') ||
  t.breaches.some((b) => b.escalates) ||
  t.ops.some((o) => o.kind === 'override' || o.kind === 'reopen') ||
  new Set(t.ops.filter((o) => o.kind === 'action').map((o) => o.by)).size > 1

/** Every figure the dashboard shows, from the plan. */
export function expectedFigures(ts: PlannedTicket[]) {
  const closed = ts.filter((t) => t.closedAt !== null)
  const answered = ts.filter((t) => firstResponse(t) !== null)
  const frt = answered.map((t) => firstResponse(t)! - t.createdAt)
  const atht = closed.map((t) => t.closedAt! - t.createdAt)
  const fcrOf = closed.filter((t) => t.outcome !== 'cancelled')
  const fcr = fcrOf.filter((t) => t.outcome === 'resolved' && !interrupted(t))
  const breached = ts.filter((t) => t.breaches.length > 0)
  const surveys = ts.filter((t) => t.survey).map((t) => t.survey!)
  const csat = surveys.map((s) => s.csat).filter((x) => x !== null)
  const nps = surveys.map((s) => s.nps).filter((x) => x !== null)
  const ces = surveys.map((s) => s.ces).filter((x) => x !== null)
  const share = (part: number, whole: number) => (whole ? part / whole : null)
  return {
    tickets: ts.length,
    open: ts.length - closed.length,
    closed: closed.length,
    frt: { avgMs: mean(frt), medianMs: middle(frt), count: frt.length },
    atht: { avgMs: mean(atht), medianMs: middle(atht), count: atht.length },
    fcr: { rate: share(fcr.length, fcrOf.length), count: fcr.length, of: fcrOf.length },
    slaBreachRate: share(breached.length, ts.length),
    breaches: ts.reduce((a, t) => a + t.breaches.length, 0),
    breachedTickets: breached.length,
    surveys: {
      count: surveys.length,
      csat: mean(csat),
      csatCount: csat.length,
      csatSatisfied: share(csat.filter((x) => x >= 4).length, csat.length),
      nps: nps.length
        ? Math.round(
            (100 * nps.filter((x) => x >= 9).length) / nps.length -
              (100 * nps.filter((x) => x <= 6).length) / nps.length,
          )
        : null,
      npsCount: nps.length,
      ces: mean(ces),
      cesCount: ces.length,
      // The plan's surveys are all entered by agents (a phone survey), none by customers.
      customerCount: 0,
      agentCount: surveys.length,
    },
    drill: {
      tickets: ts.map((t) => t.n),
      open: ts.filter((t) => t.closedAt === null).map((t) => t.n),
      frt: answered.map((t) => t.n),
      atht: closed.map((t) => t.n),
      fcr: fcr.map((t) => t.n),
      fcrOf: fcrOf.map((t) => t.n),
      sla: breached.map((t) => t.n),
      surveys: ts.filter((t) => t.survey).map((t) => t.n),
    },
  }
}

/** Contact volume (CTRV) by day and channel, outcomes, and the heatmap's figures per step. */
export function expectedBreakdown(ts: PlannedTicket[]) {
  const count = (keys: string[]) => {
    const out: Record<string, number> = {}
    for (const k of keys) out[k] = (out[k] ?? 0) + 1
    return out
  }
  const byDay = count(ts.map((t) => new Date(t.createdAt).toISOString().slice(0, 10)))
  const steps = new Map<string, { count: number; spent: number[]; breaches: number; current: number }>()
  const stat = (sop: string, step: string) => {
    const key = `${sop}/${step}`
    if (!steps.has(key)) steps.set(key, { count: 0, spent: [], breaches: 0, current: 0 })
    return steps.get(key)!
  }
  for (const t of ts) {
    for (const v of t.visits) {
      const s = stat(t.sopId, v.step)
      s.count++
      if (v.to !== null) s.spent.push(v.to - v.from)
    }
    for (const b of t.breaches) stat(t.sopId, b.step).breaches++
    if (t.closedAt === null) stat(t.sopId, t.visits.at(-1)!.step).current++
  }
  return {
    outcomes: count(ts.filter((t) => t.outcome).map((t) => t.outcome!)),
    volume: {
      byChannel: count(ts.map((t) => t.channel)),
      byDay: Object.keys(byDay)
        .sort()
        .map((day) => ({ day, count: byDay[day] })),
    },
    steps: Object.fromEntries(
      [...steps].map(([k, s]) => [
        k,
        { count: s.count, avgMs: mean(s.spent), breaches: s.breaches, current: s.current },
      ]),
    ),
  }
}
