#!/usr/bin/env node
// Prints the mutation score of each file and folder. Each Stryker run (reports/mutation/mutation.json)
// is folded into reports/mutation/all.json, file by file, so runs over parts (one file, one folder)
// add up to the whole: a file's figures are those of its latest run.
// The score is detected mutants (killed or timed out) over all valid ones (detected, survived,
// without coverage). Mutants marked equivalent with a Stryker disable comment are "Ignored" and not
// counted; mutants that do not compile are not counted either.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const latest = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'reports/mutation/mutation.json'
const allFile = 'reports/mutation/all.json'
const read = (file) => JSON.parse(readFileSync(file, 'utf8'))
let report
try {
  report = read(latest)
} catch (err) {
  console.error(`No mutation report at ${latest} (${err.message}); run npm run mutation first.`)
  process.exit(1)
}
const all = existsSync(allFile) ? read(allFile) : { files: {}, folded: 0 }
const stamp = statSync(latest).mtimeMs
if (all.folded !== stamp) {
  for (const [path, file] of Object.entries(report.files)) all.files[path] = { mutants: file.mutants }
  all.folded = stamp
  writeFileSync(allFile, JSON.stringify(all))
}
// Files no longer in the project drop out.
for (const path of Object.keys(all.files)) if (!existsSync(path)) delete all.files[path]

const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])
const empty = () => ({ detected: 0, survived: 0, noCoverage: 0, ignored: 0 })
const count = (f, status) => {
  if (DETECTED.has(status)) f.detected++
  if (status === 'Survived') f.survived++
  if (status === 'NoCoverage') f.noCoverage++
  if (status === 'Ignored') f.ignored++
}
const folders = new Map()
const files = new Map()
for (const [path, { mutants }] of Object.entries(all.files)) {
  const parts = path.replace(/\\/g, '/').split('/')
  const keys = [`${parts[0]}/`, ...(parts.length > 2 ? [`${parts[0]}/${parts[1]}/`] : [])]
  const fileCount = empty()
  for (const m of mutants) {
    count(fileCount, m.status)
    for (const key of keys) {
      if (!folders.has(key)) folders.set(key, empty())
      count(folders.get(key), m.status)
    }
  }
  files.set(path, fileCount)
}
const line = (label, f) => {
  const total = f.detected + f.survived + f.noCoverage
  const score = total ? ((100 * f.detected) / total).toFixed(1) : '—'
  return `${label.padEnd(34)} ${String(score).padStart(5)} %  ${String(f.detected).padStart(5)}/${String(total).padEnd(5)} ${f.survived} survived, ${f.noCoverage} no coverage, ${f.ignored} equivalent`
}
console.log('Mutation score: mutants detected (killed or timed out) of all valid ones not marked equivalent')
if (process.argv.includes('--files')) {
  for (const [path, f] of [...files].sort(([a], [b]) => a.localeCompare(b))) console.log(line(`  ${path}`, f))
  console.log('')
}
for (const [key, f] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(line(key.split('/').length > 2 ? `  ${key}` : key, f))
}
// A mutant that "survived" while no test completed was never tested: its test files failed to
// load, or none was found for it. Such figures are not to be trusted: name the files.
const untested = Object.entries(all.files)
  .map(([path, { mutants }]) => [path, mutants.filter((m) => m.status === 'Survived' && m.testsCompleted === 0).length])
  .filter(([, n]) => n > 0)
if (untested.length)
  console.log(
    `Survived with no test run (a test file failed to load, or none was found): ${untested.map(([p, n]) => `${p} ${n}`).join(', ')}`,
  )
// A folder's figure covers only its files measured so far: name those not yet measured.
const mutable = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name).replace(/\\/g, '/')
    if (e.isDirectory()) return mutable(path)
    return /\.ts$/.test(e.name) && path !== 'server/cli.ts' ? [path] : []
  })
for (const top of ['engine', 'server']) {
  const missing = mutable(top).filter((path) => !all.files[path])
  if (missing.length) console.log(`${top}/: ${missing.length} files not measured yet${missing.length <= 12 ? `: ${missing.join(', ')}` : ''}`)
}
