import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLE_CALENDARS, seedCalendars } from '../../server/calendars/examples.ts'
import { importSop } from '../../server/start.ts'
import { createUser, launch, signIn } from './harness.ts'

const examplesDir = join(import.meta.dirname, '..', '..', 'examples')
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(examplesDir, f), 'utf8')))

interface Step {
  id: string
  kind: string
  title: string
  parent?: string
  instructions?: string
  checklist?: { id: string; text: string }[]
  sla?: { due: string; escalateTo?: string }
}
interface Transition {
  from: string
  to: string
  label?: string
  action?: string
  guard?: string
}

/** The words of a Markdown text, as a reader sees them: marks, list bullets and link targets gone. */
const words = (markdown: string) =>
  markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*$/gm, '')
    .replace(/\|/g, ' ')
    .replace(/^\s*(?:[-*+]|\d+\.|#+|>)\s+/gm, '')
    .replace(/[*_`~]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
const squash = (text: string) => text.replace(/\s+/g, ' ').trim()
const UNITS: Record<string, string> = { W: 'week', D: 'day', H: 'hour', M: 'minute', S: 'second' }

let h: Awaited<ReturnType<typeof launch>>
let owner: string
/** The version each example was published as (the harness publishes frozen copies of two first). */
const versions = new Map<string, number>()
beforeAll(async () => {
  h = await launch()
  const admin = (await h.server.storage.listUsers())[0]
  // The contact windows the bank examples name come first: publishing pins them.
  await seedCalendars(h.server.storage, EXAMPLE_CALENDARS, admin.id, new Date())
  for (const doc of examples) {
    const { version } = await importSop(h.server.storage, doc, admin.id, new Date().toISOString())
    expect(version, doc.id).toBeGreaterThan(0)
    versions.set(doc.id, version as number)
  }
  owner = await createUser(h.server.url, h.adminToken, 'Olga Owner', 'owner')
}, 60_000)
afterAll(async () => h?.close())

describe('the print view of each shipped example', () => {
  it('shows the metadata, the glossary and every step with its instructions, checklist, SLA and exits, in reading order', async () => {
    const { page } = h
    expect(examples.length).toBeGreaterThanOrEqual(5)
    let first = true
    for (const file of examples) {
      // The published form of the example (validated and normalised) is what is printed.
      const res = await fetch(`${h.server.url}/api/sops/${file.id}/versions/${versions.get(file.id)}`, {
        headers: { authorization: `Bearer ${owner}` },
      })
      expect(res.status).toBe(200)
      const doc = (await res.json()).document
      expect(doc.steps.map((s: Step) => s.id)).toEqual(file.steps.map((s: Step) => s.id))
      const hash = `#/designer/${doc.id}/print?version=${versions.get(file.id)}`
      if (first) await signIn(page, owner, hash)
      else await page.goto(`/${hash}`)
      first = false
      await page.waitForSelector('.print-view h1')
      const shown = await page.evaluate(() => {
        const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim()
        const view = document.querySelector('.print-view')!
        return {
          // The document's parts, in the order they are printed.
          headings: [...view.querySelectorAll(':scope > h1, :scope > h2')].map(text),
          meta: [...view.querySelectorAll('.print-meta > *')].map(text),
          glossary: [...view.querySelectorAll('.glossary-list > div')].map((d) => [
            text(d.querySelector('dt')),
            text(d.querySelector('dd')),
          ]),
          steps: [...view.querySelectorAll('.print-steps > li')].map((li) => ({
            title: text(li.querySelector(':scope > h3')),
            instructions: text(li.querySelector(':scope > .markdown')),
            checklist: [...li.querySelectorAll(':scope > .print-checklist > li')].map(text),
            sla: text(li.querySelector(':scope > .print-sla')),
            exits: [...li.querySelectorAll(':scope > .print-exits > li')].map(text),
          })),
        }
      })
      const label = `${doc.id}`
      const steps = doc.steps as Step[]
      const transitions = doc.transitions as Transition[]
      const title = (id: string) => steps.find((s) => s.id === id)!.title

      expect(shown.headings, label).toEqual([doc.title, 'Terms', 'Instructions', 'Flowchart'])
      const meta = ['Department', doc.department, 'Purpose', squash(doc.purpose)]
      if (doc.channels?.length) meta.push('Channels', doc.channels.join(', '))
      expect(shown.meta, label).toEqual(meta)
      expect(shown.glossary, label).toEqual(
        doc.glossary.map((g: { term: string; definition: string }) => [g.term, squash(g.definition)]),
      )

      // Every step exactly once: the first step first, every group before the steps inside it.
      const order = shown.steps.map((s) => s.title)
      expect([...order].sort(), label).toEqual(steps.map((s) => s.title).sort())
      expect(order[0], label).toBe(title(doc.initial))
      for (const s of steps.filter((x) => x.parent))
        expect(order.indexOf(s.title), `${label}: ${s.title} after its group`).toBeGreaterThan(
          order.indexOf(title(s.parent!)),
        )

      for (const s of steps) {
        const p = shown.steps.find((x) => x.title === s.title)!
        const where = `${label}: ${s.title}`
        if (s.instructions) expect(squash(p.instructions), where).toBe(words(s.instructions))
        else expect(p.instructions, where).toBe('')
        expect(p.checklist, where).toEqual((s.checklist ?? []).map((c) => `☐ ${squash(c.text)}`))
        if (s.sla) {
          const m = /^P(?:T)?(\d+)([WDHMS])$/.exec(s.sla.due)
          expect(m, `${where}: a one-unit SLA`).not.toBeNull()
          const human = await page.evaluate(
            ([n, unit]) =>
              new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'short' }).format(Number(n)),
            [m![1], UNITS[m![2]]] as const,
          )
          expect(p.sla, where).toBe(`SLA: ${human}${s.sla.escalateTo ? ` → ${title(s.sla.escalateTo)}` : ''}`)
          expect(p.sla, where).not.toContain(s.sla.due)
        } else expect(p.sla, where).toBe('')
        expect(p.exits, where).toEqual(
          transitions
            .filter((t) => t.from === s.id)
            .map((t) => `${t.label || t.action || t.guard || '→'}: ${title(t.to)}`),
        )
      }
    }
  }, 120_000)
})
