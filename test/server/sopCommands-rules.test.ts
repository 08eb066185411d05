import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runPaths, runValidate } from '../../server/cli/sopCommands.ts'
import { root } from './helpers.ts'

// `sopflow validate` and `sopflow paths`, run in this process on real files: what each prints for a
// valid, an invalid, an unreadable and a missing document, and the exit codes.

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function files(entries: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-sop-cli-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text)
  return (name: string) => join(dir, name)
}

const support = readFileSync(join(root, 'test', 'fixtures', 'support-ticket.json'), 'utf8')
/** The support SOP with one transition to a step that does not exist, and one to another such. */
const broken = () => {
  const doc = JSON.parse(support)
  doc.transitions[0].to = 'nowhere'
  doc.transitions[1].to = 'elsewhere'
  return JSON.stringify(doc)
}

async function capture(f: (write: (t: string) => void) => Promise<number>) {
  let text = ''
  const code = await f((t) => {
    text += t
  })
  return { code, text }
}

describe('sopflow validate', () => {
  it('prints each file’s result and diagnostics, then how many are valid; exit 1 when any is not', async () => {
    const at = files({
      'good.json': support,
      'bad.json': broken(),
      'text.json': '{ not json',
      'dir.json': '',
    })
    const { code, text } = await capture((w) =>
      runValidate([at('good.json'), at('bad.json'), at('text.json'), at('missing.json')], w),
    )
    expect(code).toBe(1)
    const lines = text.split('\n')
    expect(lines[0]).toBe(`✓ ${at('good.json')} — ${JSON.parse(support).title}: valid`)
    const bad = lines.findIndex((l) => l.startsWith(`✗ ${at('bad.json')}`))
    const diagnostics = lines.slice(bad + 1).filter((l) => l.startsWith('  error'))
    expect(lines[bad]).toBe(
      `✗ ${at('bad.json')} — ${JSON.parse(support).title}: ${diagnostics.length} errors`,
    )
    expect(diagnostics.length).toBeGreaterThanOrEqual(2)
    for (const d of diagnostics) expect(d).toMatch(/^ {2}error {3}\S+\s+(step|transition|at|document)/)
    const first = JSON.parse(support).transitions[0].id
    expect(diagnostics).toContain(
      `  error   ${'unknown_target'.padEnd(24)} ${`transition ${first}`.padEnd(24)} Transition "${first}" goes to "nowhere", which does not exist`,
    )
    expect(diagnostics.some((d) => /^ {2}error {3}unreachable_step +step \S+/.test(d))).toBe(true)
    expect(text).toContain(`✗ ${at('text.json')}: not valid JSON: `)
    expect(text).toContain(`✗ ${at('missing.json')}: file not found`)
    expect(text.endsWith('\n1 of 4 files valid\n')).toBe(true)
  })

  it('counts a single warning as one, and a single file as a file; a valid set exits 0', async () => {
    const at = files({ 'example.json': readFileSync(join(root, 'examples', 'support-ticket.json'), 'utf8') })
    const { code, text } = await capture((w) => runValidate([at('example.json')], w))
    expect(code).toBe(0)
    expect(text.split('\n')[0]).toMatch(/: valid \(1 warning\)$/)
    expect(text).toMatch(/ {2}warning \S+/)
    expect(text.endsWith('\n1 of 1 file valid\n')).toBe(true)
  })

  it('without files prints the usage and exits 2', async () => {
    expect(await capture((w) => runValidate([], w))).toEqual({
      code: 2,
      text: 'Usage: sopflow validate <file.json>…\n',
    })
  })
})

describe('sopflow paths', () => {
  it('lists every path to each end step, with the actions and roles taking it', async () => {
    const at = files({ 'good.json': support })
    const { code, text } = await capture((w) => runPaths(at('good.json'), w))
    expect(code).toBe(0)
    const doc = JSON.parse(support)
    expect(text.split('\n')[0]).toMatch(
      new RegExp(`^${doc.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ paths to \\d+ end steps$`),
    )
    expect(text).toMatch(
      /\n→ Cancelled \(cancelled, outcome cancelled\): 1 path\n {2}1\. Receive the request → Cancelled\n {5}actions: cancel \{.*\} \[agent\]\n/,
    )
    expect(text).toMatch(/\n→ \S.* \(\S+, outcome \S+\): \d+ paths\n/)
    expect(text).not.toContain('! no path reaches')
  })

  it('works on every shipped example, reading the calendars they name from the calendars folder beside them', async () => {
    const dir = join(root, 'examples')
    const shipped = readdirSync(dir).filter((f) => f.endsWith('.json'))
    expect(shipped.length).toBeGreaterThanOrEqual(5)
    for (const name of shipped) {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'))
      const { code, text } = await capture((w) => runPaths(join(dir, name), w))
      expect(code, name).toBe(0)
      expect(text.startsWith(`${doc.title}: `), name).toBe(true)
      expect(text, name).toMatch(/\n→ .+: \d+ paths?\n {2}1\. /)
    }
  })

  it('names a calendar the SOP counts in that is not beside it, and where to put it', async () => {
    const doc = readFileSync(join(root, 'examples', 'bank-aftersale-care.json'), 'utf8')
    const at = files({ 'sop.json': doc })
    const { code, text } = await capture((w) => runPaths(at('sop.json'), w))
    expect(code).toBe(1)
    expect(text).toBe(
      `✗ ${at('sop.json')}: SOP "bank-aftersale-care" counts business time in calendar "vn_contact_window", which does not exist; add it as ${join(at('calendars'), 'vn_contact_window.json')}\n`,
    )
  })

  it('refuses an invalid document, an unreadable one, and no file at all', async () => {
    const at = files({ 'bad.json': broken(), 'text.json': '{' })
    expect(await capture((w) => runPaths(at('bad.json'), w))).toEqual({
      code: 1,
      text: `✗ ${at('bad.json')} is invalid; run \`sopflow validate ${at('bad.json')}\` for the details\n`,
    })
    const unreadable = await capture((w) => runPaths(at('text.json'), w))
    expect(unreadable.code).toBe(1)
    expect(unreadable.text).toMatch(
      new RegExp(`^✗ ${at('text.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: `),
    )
    expect(await capture((w) => runPaths(undefined, w))).toEqual({
      code: 2,
      text: 'Usage: sopflow paths <file.json>\n',
    })
  })
})
