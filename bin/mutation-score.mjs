#!/usr/bin/env node
// Prints the mutation score of each file and folder. Each Stryker run (reports/mutation/mutation.json)
// is folded into the results kept in the repository, one file per source file under
// test/mutation/results/ (e.g. test/mutation/results/engine/paths.ts.json), so runs over parts (one
// file, one folder, on any machine) add up to the whole: a file's figures are those of its latest
// run. Each result names the SHA-256 of the source it measured and the tests that ran; a file
// changed since is listed as such (its figures are of the older text).
// The score is detected mutants (killed or timed out) over all valid ones (detected, survived,
// without coverage). Mutants marked equivalent with a Stryker disable comment are "Ignored" and not
// counted; mutants that do not compile are not counted either.
//   node bin/mutation-score.mjs [report.json] [--files] [--tests=engine|all|a,b] [--only=files,folders] [--no-fold] [--quiet]
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const latest = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'reports/mutation/mutation.json'
const scope = process.argv.find((a) => a.startsWith('--tests='))?.slice(8) || 'all'
const store = 'test/mutation/results'
const foldedStamp = 'reports/mutation/folded.txt'
const read = (file) => JSON.parse(readFileSync(file, 'utf8'))
const sha256 = (text) => createHash('sha256').update(text).digest('hex')
const resultFile = (path) => join(store, `${path}.json`)

// Fold the latest run into the store, once per report.
if (!process.argv.includes('--no-fold') && existsSync(latest)) {
  const stamp = String(statSync(latest).mtimeMs)
  if (!existsSync(foldedStamp) || readFileSync(foldedStamp, 'utf8') !== stamp) {
    const report = read(latest)
    const measured = new Date(statSync(latest).mtimeMs).toISOString()
    const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? '').split(',').filter(Boolean)
    const inRun = (path) => !only.length || only.some((t) => path === t || path.startsWith(`${t.replace(/\/$/, '')}/`))
    const keep = (path, source, mutants) => {
      const text = [
        '{',
        `  "source": ${JSON.stringify(path)},`,
        `  "sha256": "${sha256(source)}",`,
        `  "measured": "${measured}",`,
        `  "tests": ${JSON.stringify(scope)},`,
        '  "mutants": [',
        mutants.map((m) => `    ${JSON.stringify(m)}`).join(',\n'),
        '  ]',
        '}',
        '',
      ].join('\n')
      mkdirSync(dirname(resultFile(path)), { recursive: true })
      writeFileSync(resultFile(path), text)
    }
    for (const [path, file] of Object.entries(report.files)) {
      if (!inRun(path)) continue
      const mutants = file.mutants
        .map((m) => [m.location.start.line, m.location.start.column, m.mutatorName, m.status, m.testsCompleted ?? null])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1] || String(a[2]).localeCompare(String(b[2])))
      keep(path, file.source, mutants)
    }
    // A file named in the run that Stryker found nothing to mutate in (types only) is measured too.
    for (const path of only.filter((t) => t.endsWith('.ts') && !report.files[t] && existsSync(t)))
      keep(path, readFileSync(path, 'utf8'), [])
    mkdirSync(dirname(foldedStamp), { recursive: true })
    writeFileSync(foldedStamp, stamp)
  }
}
// `--quiet`: only fold (a whole run folds each of its parts, then prints once).
if (process.argv.includes('--quiet')) process.exit(0)

const listResults = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listResults(join(dir, e.name)) : e.name.endsWith('.ts.json') ? [join(dir, e.name)] : [],
      )
    : []
const all = { files: {} }
const changed = []
for (const file of listResults(store)) {
  const result = read(file)
  // Files no longer in the project drop out.
  if (!existsSync(result.source)) continue
  if (sha256(readFileSync(result.source, 'utf8')) !== result.sha256) changed.push(result.source)
  all.files[result.source] = {
    tests: result.tests,
    mutants: result.mutants.map(([, , mutatorName, status, testsCompleted]) => ({ mutatorName, status, testsCompleted })),
  }
}
if (!Object.keys(all.files).length) {
  console.error(`No mutation results in ${store}; run npm run mutation first.`)
  process.exit(1)
}

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
// A folder's figure covers only its files measured so far: name those not yet measured. Files the
// config leaves out of `mutate` (by exact path, each with its reason there) are not expected.
const excluded = new Set(
  JSON.parse(readFileSync('stryker.config.json', 'utf8'))
    .mutate.filter((p) => p.startsWith('!') && !p.includes('*'))
    .map((p) => p.slice(1)),
)
const mutable = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name).replace(/\\/g, '/')
    if (e.isDirectory()) return mutable(path)
    return /\.ts$/.test(e.name) && !excluded.has(path) ? [path] : []
  })
for (const top of ['engine', 'server']) {
  const missing = mutable(top).filter((path) => !all.files[path])
  if (missing.length) console.log(`${top}/: ${missing.length} files not measured yet${missing.length <= 12 ? `: ${missing.join(', ')}` : ''}`)
}
if (changed.length)
  console.log(`Changed since measured (figures are of the older text; measure again): ${changed.sort().join(', ')}`)
const partial = Object.entries(all.files)
  .filter(([, f]) => f.tests !== 'all')
  .map(([path]) => path)
if (partial.length)
  console.log(
    `Measured with only some tests (lower bounds): ${partial.length <= 12 ? partial.sort().join(', ') : `${partial.length} files`}`,
  )
