import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compile, decide, paths, replay, start, validate } from '../../engine/index.ts'
import { calendarFiles, EXAMPLE_CALENDARS } from '../../server/calendars/examples.ts'

const dir = join(import.meta.dirname, '..', '..', 'examples')
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
/** The calendars the examples name (their contact windows), as the server seeds them. */
const calendars = calendarFiles(EXAMPLE_CALENDARS, new Date('2026-06-01T00:00:00Z'))

describe('examples', () => {
  it('has at least five SOPs, one in Vietnamese, using every step kind', () => {
    expect(files.length).toBeGreaterThanOrEqual(5)
    const docs = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    expect(docs.some((d) => d.language === 'vi')).toBe(true)
    const kinds = new Set(docs.flatMap((d) => d.steps.map((s: { kind: string }) => s.kind)))
    expect([...kinds].sort()).toEqual(['decision', 'end', 'group', 'parallel', 'task', 'wait'])
  })

  for (const file of files) {
    describe(file, () => {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'))

      it('is valid and compiles', () => {
        const result = validate(doc)
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
        expect(compile(doc, { calendars }).hash).toMatch(/^[0-9a-f]{64}$/)
      })

      it('has the parts of an SOP: title, department, purpose, glossary, instructions', () => {
        expect(doc.title && doc.department && doc.purpose).toBeTruthy()
        expect(doc.glossary.length).toBeGreaterThan(0)
        expect(doc.steps.some((s: { instructions?: string }) => s.instructions)).toBe(true)
      })

      it('walks every path to each end step, and every history replays', () => {
        const sop = compile(doc, { calendars })
        const found = paths(sop)
        const ends = doc.steps.filter((s: { kind: string; parent?: string }) => s.kind === 'end' && !s.parent)
        expect(new Set(found.map((p) => p.endStepId))).toEqual(new Set(ends.map((s: { id: string }) => s.id)))
        for (const p of found) {
          const first = start(sop, { actor: { id: 'agent-1', role: 'agent' }, now: p.startAt })
          if (!first.ok) throw new Error(first.rejection.message)
          let state = first.state
          const records = [first.record]
          for (const step of p.inputs) {
            const d = decide(sop, state, step.input, step.actor, step.at)
            if (!d.ok) throw new Error(`${p.steps.join(' > ')}: ${d.rejection.message}`)
            state = d.state
            records.push(d.record)
          }
          expect(state.status).toBe('closed')
          expect(state.outcome).toBe(sop.steps.get(p.endStepId)?.outcome)
          expect(replay(sop, JSON.parse(JSON.stringify(records)), { head: state.head }).ok).toBe(true)
        }
      })
    })
  }
})
