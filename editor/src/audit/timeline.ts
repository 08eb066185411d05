import type { AuditEntry } from '../api/tickets.ts'

/** The parts of the pinned SOP version the timeline names things by. */
export interface TimelineDoc {
  steps?: { id: string; title?: string; checklist?: { id: string; text: string }[] }[]
  transitions?: { id: string; action?: string; label?: string }[]
  fields?: { name: string; label: string }[]
}

type T = (key: string, options?: Record<string, unknown>) => string

interface Record_ {
  kind?: string
  action?: string | null
  transitions?: string[]
  to?: string[]
  entered?: string[]
  ticks?: Record<string, string[]>
  fieldChanges?: { field: string; from: unknown; to: unknown }[]
  breach?: { stepId: string } | null
  /** A policy target's warning before its breach. */
  warning?: { policy: string; at: number }
  reason?: string | null
  status?: string
  outcome?: string | null
}

const recordOf = (h: AuditEntry): Record_ | null => (h.payload?.record as Record_ | undefined) ?? null

/** Names from the SOP version: step titles, action labels, checklist texts, field labels. */
export function namer(doc: TimelineDoc) {
  const steps = new Map((doc.steps ?? []).map((s) => [s.id, s]))
  const transitions = new Map((doc.transitions ?? []).map((t) => [t.id, t]))
  const fields = new Map((doc.fields ?? []).map((f) => [f.name, f.label]))
  const step = (id: string) => steps.get(id)?.title || id
  return {
    step,
    steps: (ids: readonly string[] = []) => ids.map(step).join(', ') || '—',
    action: (r: Record_) => {
      const t = (r.transitions ?? []).map((id) => transitions.get(id)).find((x) => x?.action === r.action)
      return t?.label || r.action || ''
    },
    transitionLabel: (r: Record_) => {
      const t = transitions.get(r.transitions?.[0] ?? '')
      return t?.label || ''
    },
    /** The label of an action by its id (as an agent saw it on the button). */
    actionById: (id: string) => [...transitions.values()].find((t) => t.action === id)?.label || id,
    field: (name: string) => fields.get(name) ?? name,
    item: (stepId: string, itemId: string) =>
      steps.get(stepId)?.checklist?.find((c) => c.id === itemId)?.text ?? itemId,
  }
}

export type Namer = ReturnType<typeof namer>

/** One line of the timeline, in titles and labels. */
export function describeEntry(h: AuditEntry, n: Namer, t: T, userName: (id: string) => string): string {
  const r = recordOf(h)
  switch (h.type) {
    case 'created':
      return t('timeline.created', { step: n.steps(r?.to) })
    case 'transition':
      return t('timeline.action', { action: n.action(r ?? {}), steps: n.steps(r?.to) })
    case 'timer':
      if (r?.breach) return t('timeline.breach', { step: n.step(r.breach.stepId) })
      if (r?.warning)
        return t('timeline.warning', {
          share: Math.round(r.warning.at * 100),
          metric: t(`business.metrics.${r.warning.policy}`),
        })
      return n.transitionLabel(r ?? {})
        ? t('timeline.timer', { label: n.transitionLabel(r ?? {}), steps: n.steps(r?.to) })
        : t('timeline.timerAuto', { steps: n.steps(r?.to) })
    case 'override':
      return t('timeline.override', { steps: n.steps(r?.to) })
    case 'update':
      return t('timeline.update', { steps: n.steps(r?.to) })
    case 'note':
      return h.payload?.visibility === 'customer' ? t('timeline.noteCustomer') : t('timeline.note')
    case 'assignment': {
      const p = h.payload as { to?: string | null; queue?: string | null; claimed?: boolean }
      if (p.to) return t(p.claimed ? 'timeline.claimed' : 'timeline.assigned', { name: userName(p.to) })
      if (p.queue) return t('timeline.queued', { queue: p.queue })
      return t('timeline.unassigned')
    }
    case 'message': {
      const p = h.payload as { direction?: string; channel?: string }
      const channel = t(`console:channels.${p.channel ?? ''}`, { defaultValue: p.channel ?? '' })
      return t(p.direction === 'out' ? 'timeline.messageOut' : 'timeline.messageIn', { channel })
    }
    case 'reopen':
      return t('timeline.reopen', { steps: n.steps(r?.to) })
    case 'rejected': {
      const p = h.payload as { input?: { action?: string; kind?: string } }
      const what = p.input?.action ? n.actionById(p.input.action) : (p.input?.kind ?? '')
      return t('timeline.rejected', { action: what })
    }
    case 'survey': {
      const p = h.payload as { answer?: unknown; selected?: boolean; reason?: string }
      if (p.answer) return t('timeline.surveyAnswered')
      return p.selected
        ? t('timeline.surveyDrawn')
        : t('timeline.surveySkipped', { reason: t(`surveyReasons.${p.reason}`) })
    }
    case 'watch': {
      const p = h.payload as { userId: string; watching: boolean }
      return t(p.watching ? 'timeline.watch' : 'timeline.unwatch', { name: userName(p.userId) })
    }
    default:
      return h.type
  }
}

/** Checklist items ticked by a record, as "step title: item text". */
export function ticksOf(h: AuditEntry, n: Namer): string[] {
  const ticks = recordOf(h)?.ticks ?? {}
  return Object.entries(ticks).flatMap(([stepId, items]) => items.map((id) => n.item(stepId, id)))
}

export function fieldChangesOf(h: AuditEntry, n: Namer) {
  return (recordOf(h)?.fieldChanges ?? []).map((c) => ({ ...c, label: n.field(c.field) }))
}

/** The path taken up to record `at`: steps visited, transitions traversed and the current steps. */
export function pathUpTo(history: readonly AuditEntry[], at: number) {
  const visited = new Set<string>()
  const traversed = new Set<string>()
  let current: string[] = []
  for (let i = 0; i <= at && i < history.length; i++) {
    const r = recordOf(history[i])
    if (!r) continue
    for (const id of r.entered ?? []) visited.add(id)
    for (const id of r.to ?? []) visited.add(id)
    for (const id of r.transitions ?? []) traversed.add(id)
    current = r.to ?? current
  }
  return { visited, traversed, current }
}
