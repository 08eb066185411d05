import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { runPaths, runValidate } from '../../server/cli/sopCommands.ts'

const root = join(import.meta.dirname, '..', '..')
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(root, 'examples', f))
/** A frozen copy of the support example, for output that names its steps. */
const support = join(root, 'test', 'fixtures', 'support-ticket.json')

function capture() {
  let text = ''
  return {
    write: (s: string) => (text += s),
    get text() {
      return text
    },
  }
}

function broken(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-cli-'))
  const file = join(dir, 'broken.json')
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'sopflow/v1',
      id: 'broken',
      title: 'Broken',
      department: 'Support',
      purpose: 'Shows what the validator reports',
      fields: [{ name: 'fault', label: 'Fault', type: 'text' }],
      initial: 'start',
      steps: [
        { id: 'start', kind: 'task', title: 'Start' },
        { id: 'route', kind: 'decision', title: 'Route' },
        { id: 'finish', kind: 'end', title: 'Finish' },
      ],
      transitions: [
        { id: 'go', from: 'start', to: 'nowhere', action: 'go' },
        { id: 'check', from: 'start', to: 'route', action: 'check' },
        { id: 'bad_guard', from: 'route', to: 'finish', guard: 'ticket.fault ==' },
        { id: 'default', from: 'route', to: 'finish' },
      ],
    }),
  )
  return file
}

describe('sopflow validate', () => {
  it('passes every example', async () => {
    const out = capture()
    expect(await runValidate(examples, out.write)).toBe(0)
    expect(out.text).toContain(`${examples.length} of ${examples.length} files valid`)
  })

  it('rejects a broken file naming each problem', async () => {
    const out = capture()
    expect(await runValidate([broken()], out.write)).toBe(1)
    expect(out.text).toMatch(/unknown_target\s+transition go .*nowhere/)
    expect(out.text).toMatch(/guard_invalid\s+transition bad_guard/)
    expect(out.text).toMatch(/end_without_outcome\s+step finish/)
    expect(out.text).not.toMatch(/at .*\.ts:\d+/)
  })

  it('reports malformed JSON and missing files without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-cli-'))
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, '{"schema": "sopflow/v1", ')
    const out = capture()
    expect(await runValidate([bad, join(dir, 'missing.json')], out.write)).toBe(1)
    expect(out.text).toContain('not valid JSON')
    expect(out.text).toContain('file not found')
    expect(out.text).toContain('0 of 2 files valid')
  })

  it('works as a command', async () => {
    const run = promisify(execFile)
    const ok = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'validate', ...examples], {
      cwd: root,
    })
    expect(ok.stdout).toContain(`${examples.length} of ${examples.length} files valid`)
    const failed = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'validate', broken()], {
      cwd: root,
    }).catch((e) => e)
    expect(failed.code).toBe(1)
    expect(failed.stdout).toContain('unknown_target')
  })
})

describe('sopflow paths', () => {
  it('lists the paths to each end step with the actions taken', async () => {
    const out = capture()
    expect(await runPaths(support, out.write)).toBe(0)
    expect(out.text).toMatch(/paths to 4 end steps/)
    expect(out.text).toContain('→ Resolved (resolved, outcome resolved)')
    expect(out.text).toContain('Receive the request → Identify the customer')
    expect(out.text).toContain('actions: start')
  })

  it('refuses an invalid file', async () => {
    const out = capture()
    expect(await runPaths(broken(), out.write)).toBe(1)
    expect(out.text).toContain('is invalid')
  })
})
