import { hash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type CompiledSop,
  compile,
  decide,
  paths,
  replay,
  type SopDocumentInput,
  type SopPath,
  start,
  type TicketState,
  type TransitionRecord,
} from '../engine/index.ts'
import { calendarFiles } from '../server/calendars/examples.ts'

const root = join(fileURLToPath(import.meta.url), '..', '..')

/** Node's native SHA-256, as the server passes it to the engine. */
export const nodeSha256 = (text: string): string => hash('sha256', text, 'hex')

/** The example SOPs, compiled. */
export function loadExamples(): { name: string; sop: CompiledSop }[] {
  const dir = join(root, 'examples')
  let files: string[] = []
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    files = []
  }
  // The contact windows the bank examples name, as the server seeds them.
  const calendars = calendarFiles(join(dir, 'calendars'), new Date())
  return files.sort().map((f) => ({
    name: f,
    sop: compile(JSON.parse(readFileSync(join(dir, f), 'utf8')), { sha256: nodeSha256, calendars }),
  }))
}

/** Plays one path from the start; returns how many decisions it took. */
function playPath(sop: CompiledSop, path: SopPath): number {
  const first = start(sop, { actor: { id: 'bench', role: 'agent' }, now: path.startAt })
  if (!first.ok) throw new Error(first.rejection.message)
  let state = first.state
  for (const step of path.inputs) {
    const d = decide(sop, state, step.input, step.actor, step.at)
    if (!d.ok) throw new Error(d.rejection.message)
    state = d.state
  }
  return path.inputs.length + 1
}

/**
 * Decisions per second of the step function (guards, requirements and records included), once
 * warm: the paths are played for `warmup` seconds first, so the figure is the steady rate, not
 * the time the JIT takes to compile the engine's hot paths (over a second on a loaded machine).
 */
export function decisionsPerSecond(sop: CompiledSop, seconds = 1, warmup = 2 * seconds): number {
  const all = paths(sop)
  if (!all.length) return 0
  let decisions = 0
  const w0 = performance.now()
  do for (const p of all) playPath(sop, p)
  while (performance.now() - w0 < warmup * 1000)
  const t0 = performance.now()
  let elapsed = 0
  while (elapsed < seconds * 1000) {
    for (const p of all) decisions += playPath(sop, p)
    elapsed = performance.now() - t0
  }
  return decisions / (elapsed / 1000)
}

/** A long-running case: a follow-up loop with a guard, played for `count` records. */
export function longCase(): SopDocumentInput {
  return {
    schema: 'sopflow/v1',
    id: 'long-case',
    title: 'Long-running case',
    department: 'Customer care',
    purpose: 'A case followed up with the customer many times before it closes.',
    fields: [
      { name: 'attempts', label: 'Attempts', type: 'number' },
      { name: 'summary', label: 'Summary', type: 'text' },
    ],
    initial: 'work',
    steps: [
      {
        id: 'work',
        kind: 'task',
        title: 'Work on the case',
        requiredFields: ['summary'],
        checklist: [{ id: 'note', text: 'Write a note', required: true }],
        roles: ['agent'],
        sla: { due: 'PT4H', notify: 'supervisor' },
      },
      { id: 'check', kind: 'decision', title: 'Enough attempts?' },
      { id: 'wait', kind: 'wait', title: 'Wait for the customer' },
      { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
      { id: 'gone', kind: 'end', title: 'No response', outcome: 'no_response' },
    ],
    transitions: [
      { id: 'follow', from: 'work', to: 'check', action: 'follow_up', label: 'Follow up' },
      { id: 'stop', from: 'check', to: 'done', guard: 'ticket.attempts > 1000000.0' },
      { id: 'again', from: 'check', to: 'wait' },
      { id: 'reply', from: 'wait', to: 'work', action: 'customer_replied', label: 'Customer replied' },
      { id: 'timeout', from: 'wait', to: 'gone', after: 'P7D', label: 'No reply in 7 days' },
    ],
  }
}

/** A `count`-record history of the long-running case. */
export function longHistory(
  sop: CompiledSop,
  count: number,
): { records: TransitionRecord[]; state: TicketState } {
  let t = Date.parse('2026-02-01T08:00:00.000Z')
  const agent = { id: 'agent-1', role: 'agent' }
  const first = start(sop, { actor: agent, now: new Date(t).toISOString() })
  if (!first.ok) throw new Error(first.rejection.message)
  const records = [first.record]
  let state = first.state
  for (let i = 1; i < count; i++) {
    t += 60_000
    const at = new Date(t).toISOString()
    const input =
      'work' in state.active
        ? {
            kind: 'action' as const,
            action: 'follow_up',
            fields: { attempts: i, summary: `Call ${i}` },
            ticks: { work: ['note'] },
          }
        : { kind: 'action' as const, action: 'customer_replied' }
    const d = decide(sop, state, input, agent, at)
    if (!d.ok) throw new Error(d.rejection.message)
    records.push(d.record)
    state = d.state
  }
  return { records, state }
}

export function runEngineBench(log: (line: string) => void = console.log): void {
  log('## Engine')
  const examples = loadExamples()
  const long = compile(longCase(), { sha256: nodeSha256 })
  const targets = [...examples, { name: 'long-case (bench)', sop: long }]
  for (const { name, sop } of targets) {
    log(`  ${name.padEnd(34)} ${Math.round(decisionsPerSecond(sop)).toLocaleString('en')} decisions/s`)
  }
  const { records, state } = longHistory(long, 10_000)
  const json = JSON.parse(JSON.stringify(records)) as TransitionRecord[]
  // Warm up on the whole history twice, as the decisions above are warmed.
  for (let i = 0; i < 2; i++) replay(long, json)
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    const r = replay(long, json, { head: state.head })
    runs.push(performance.now() - t0)
    if (!r.ok) throw new Error(`replay failed: ${r.reason}`)
  }
  runs.sort((a, b) => a - b)
  log(
    `  verify-replay of a 10,000-record history: median ${runs[2].toFixed(1)} ms (best ${runs[0].toFixed(1)} ms)`,
  )
  log('  goals: >= 100,000 decisions/s on every example; <= 65 ms per 10,000-record replay')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) runEngineBench()
