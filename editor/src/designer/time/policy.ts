/**
 * The SOP's ticket-level SLA policy as the designer edits it: targets per metric, each applying to
 * some priorities (none: every one) and optionally some channels. The first target of a metric
 * that applies to a ticket is the one it counts against, so their order matters.
 */

export const METRICS = ['first_reply', 'next_reply', 'resolution'] as const
export type Metric = (typeof METRICS)[number]
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const
export type PolicyPriority = (typeof PRIORITIES)[number]
export const RAISE_TO = ['urgent', 'high', 'normal'] as const

export interface PolicyTarget {
  metric: Metric
  priorities?: PolicyPriority[]
  channels?: string[]
  due: string
  time?: 'business' | 'calendar'
  calendar?: string
  notify?: string
  escalateTo?: string
  raisePriority?: (typeof RAISE_TO)[number]
  warnAt?: number
  warnNotify?: string
}

/** The targets of a document's policy (none when it has no policy). */
export function targetsOf(doc: object): PolicyTarget[] {
  const p = (doc as { policy?: unknown }).policy as { targets?: PolicyTarget[] } | undefined
  return Array.isArray(p?.targets) ? p.targets : []
}

/** The document's `policy` for these targets: absent when there are none. */
export function policyOf(targets: PolicyTarget[]): { targets: PolicyTarget[] } | undefined {
  return targets.length ? { targets } : undefined
}

/**
 * A new target for `metric` (4 hours, as the SOP's other targets of that metric count time), placed
 * after that metric's last target; with `channels`, before that metric's first target for every
 * channel, so that it is not shadowed by it.
 */
export function addTarget(targets: PolicyTarget[], metric: Metric, channels?: string[]): PolicyTarget[] {
  const same = targets.filter((x) => x.metric === metric)
  const like = same[same.length - 1]
  const next: PolicyTarget = { metric, due: 'PT4H' }
  if (like?.time) next.time = like.time
  if (like?.calendar) next.calendar = like.calendar
  if (channels?.length) next.channels = channels
  const general = targets.findIndex((x) => x.metric === metric && !x.channels)
  const at = channels?.length ? general : like ? targets.lastIndexOf(like) + 1 : -1
  const out = [...targets]
  out.splice(at < 0 ? out.length : at, 0, next)
  return out
}

/** The target at `index` with `patch` applied; keys set to undefined (or an empty list) leave it. */
export function updateTarget(
  targets: PolicyTarget[],
  index: number,
  patch: Partial<PolicyTarget>,
): PolicyTarget[] {
  return targets.map((x, i) => {
    if (i !== index) return x
    const next: Record<string, unknown> = { ...x, ...patch }
    for (const [k, v] of Object.entries(patch))
      if (v === undefined || (Array.isArray(v) && v.length === 0)) delete next[k]
    return next as unknown as PolicyTarget
  })
}

export function removeTarget(targets: PolicyTarget[], index: number): PolicyTarget[] {
  return targets.filter((_, i) => i !== index)
}

/** Moves the target at `index` before the previous target of its metric (it then wins over it). */
export function moveUp(targets: PolicyTarget[], index: number): PolicyTarget[] {
  const metric = targets[index]?.metric
  let prev = -1
  for (let i = index - 1; i >= 0; i--)
    if (targets[i].metric === metric) {
      prev = i
      break
    }
  if (prev < 0) return targets
  const out = [...targets]
  ;[out[prev], out[index]] = [out[index], out[prev]]
  return out
}

/**
 * Which target counts for a ticket of `priority` (on `channel`, or on a channel no target names): the
 * index of the first target of `metric` that applies to it, or -1.
 */
export function targetFor(
  targets: PolicyTarget[],
  metric: Metric,
  priority: PolicyPriority,
  channel?: string,
): number {
  return targets.findIndex(
    (x) =>
      x.metric === metric &&
      (!x.channels || (channel !== undefined && x.channels.includes(channel))) &&
      (!x.priorities?.length || x.priorities.includes(priority)),
  )
}

/** The channels some target of `metric` is limited to, in the order they are first named. */
export function channelsNamed(targets: PolicyTarget[], metric: Metric): string[] {
  return [...new Set(targets.flatMap((x) => (x.metric === metric ? (x.channels ?? []) : [])))]
}

/** A warning share typed as a percentage (1–99, "75" or "75,5"), or why it is not one. */
export function readPercent(
  text: string,
): { ok: true; share: number | undefined } | { ok: false; reason: 'range' } {
  const trimmed = text.trim().replace(',', '.').replace(/\s*%$/, '')
  if (!trimmed) return { ok: true, share: undefined }
  const n = Number(trimmed)
  if (!Number.isFinite(n) || n <= 0 || n >= 100) return { ok: false, reason: 'range' }
  return { ok: true, share: Math.round(n * 100) / 10_000 }
}

/** A share as the percentage a person reads (0.75 → 75). */
export function percentOf(share: number | undefined): string {
  return share === undefined ? '' : String(Math.round(share * 10_000) / 100)
}
