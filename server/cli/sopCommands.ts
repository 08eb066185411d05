import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type CompiledSop, compile, type Diagnostic, paths, SopError, validate } from '../../engine/index.ts'
import { calendarFiles } from '../calendars/examples.ts'
import { sha256 } from '../services/crypto.ts'

type Write = (text: string) => void
const out: Write = (text) => process.stdout.write(text)

async function readJson(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return {
      ok: false,
      message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`,
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (err) {
    return { ok: false, message: `not valid JSON: ${(err as Error).message}` }
  }
}

function where(d: Diagnostic): string {
  if (d.stepId) return `step ${d.stepId}`
  if (d.transitionId) return `transition ${d.transitionId}`
  if (d.path) return `at ${d.path}`
  return 'document'
}

/** `sopflow validate <files…>`: every diagnostic of every file; exit code 1 if any file is invalid. */
export async function runValidate(files: string[], write: Write = out): Promise<number> {
  if (!files.length) {
    write('Usage: sopflow validate <file.json>…\n')
    return 2
  }
  let invalid = 0
  for (const file of files) {
    const read = await readJson(file)
    if (!read.ok) {
      invalid++
      write(`✗ ${file}: ${read.message}\n`)
      continue
    }
    const result = validate(read.value)
    const errors = result.diagnostics.filter((d) => d.severity === 'error')
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning')
    const title = result.document ? ` — ${result.document.title}` : ''
    if (result.valid) {
      write(
        `✓ ${file}${title}: valid${warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? 's' : ''})` : ''}\n`,
      )
    } else {
      invalid++
      write(`✗ ${file}${title}: ${errors.length} error${errors.length > 1 ? 's' : ''}\n`)
    }
    for (const d of result.diagnostics) {
      write(
        `  ${d.severity === 'error' ? 'error  ' : 'warning'} ${d.code.padEnd(24)} ${where(d).padEnd(24)} ${d.message}\n`,
      )
    }
  }
  write(`\n${files.length - invalid} of ${files.length} file${files.length > 1 ? 's' : ''} valid\n`)
  return invalid ? 1 : 0
}

/** `sopflow paths <file>`: every path from the start to each end step (calendars from `calendars/` beside it). */
export async function runPaths(file: string | undefined, write: Write = out): Promise<number> {
  if (!file) {
    write('Usage: sopflow paths <file.json>\n')
    return 2
  }
  const read = await readJson(file)
  if (!read.ok) {
    write(`✗ ${file}: ${read.message}\n`)
    return 1
  }
  const result = validate(read.value)
  if (!result.valid) {
    write(`✗ ${file} is invalid; run \`sopflow validate ${file}\` for the details\n`)
    return 1
  }
  // The calendars an SOP counts business time in are kept beside it, one <id>.json each in a
  // `calendars` folder (as the shipped examples keep theirs).
  const folder = join(dirname(file), 'calendars')
  let sop: CompiledSop
  try {
    sop = compile(read.value, { sha256, calendars: calendarFiles(folder, new Date()) })
  } catch (err) {
    if (!(err instanceof SopError) || err.code !== 'missing_calendar') throw err
    write(`✗ ${file}: ${err.message}; add it as ${join(folder, `${err.id}.json`)}\n`)
    return 1
  }
  const found = paths(sop)
  const title = (id: string) => sop.steps.get(id)?.title ?? id
  const byEnd = new Map<string, typeof found>()
  for (const p of found) byEnd.set(p.endStepId, [...(byEnd.get(p.endStepId) ?? []), p])
  write(
    `${sop.document.title}: ${found.length} path${found.length === 1 ? '' : 's'} to ${byEnd.size} end step${byEnd.size === 1 ? '' : 's'}\n`,
  )
  for (const [end, list] of byEnd) {
    write(
      `\n→ ${title(end)} (${end}, outcome ${list[0].outcome ?? 'none'}): ${list.length} path${list.length === 1 ? '' : 's'}\n`,
    )
    list.forEach((p, i) => {
      write(`  ${i + 1}. ${p.steps.map(title).join(' → ')}\n`)
      const actions = p.inputs.map(({ input, actor }) =>
        input.kind === 'action'
          ? `${input.action}${input.fields && Object.keys(input.fields).length ? ` ${JSON.stringify(input.fields)}` : ''} [${actor.role}]`
          : input.kind === 'timer'
            ? `timer ${input.timerId}`
            : input.kind,
      )
      if (actions.length) write(`     actions: ${actions.join('; ')}\n`)
    })
  }
  const unreached = sop.document.steps.filter((s) => s.kind === 'end' && !s.parent && !byEnd.has(s.id))
  for (const s of unreached) write(`\n! no path reaches end step ${s.id} (${s.title})\n`)
  return 0
}
