#!/usr/bin/env node
// `npm run mutation [-- files or folders…] [-- stryker options]`: runs Stryker (stryker.config.json)
// at low priority and prints the score per folder.
//   npm run mutation                      every file: engine/ (its own tests), then server/ (incremental)
//   npm run mutation -- engine/guard.ts   one file (or several, or a folder such as server/auth)
//   npm run mutation -- --files=engine/templates.ts,engine/survey.ts --tests=test/server/reply-templates.test.ts
//                                         those files, against only the test files named (a quick
//                                         loop over one file and the tests that reach it)
//   npm run mutation -- --score           only print the scores (add --files for each file's)
// When every file named is under engine/ (and no --tests= is given), only the engine's own tests
// run against the mutants.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const scoreOnly = args.includes('--score')
const listed = (name) =>
  args
    .filter((a) => a.startsWith(`--${name}=`))
    .flatMap((a) => a.slice(name.length + 3).split(','))
    .filter(Boolean)
const missing = [...listed('files'), ...listed('tests')].filter((p) => !existsSync(join(root, p)))
if (missing.length) {
  console.error(`No such file or folder: ${missing.join(', ')}`)
  process.exit(2)
}
const tests = listed('tests')
const targets = [...args.filter((a) => !a.startsWith('-') && existsSync(join(root, a))), ...listed('files')]
const options = args.filter(
  (a) =>
    a !== '--score' &&
    a !== '--files' &&
    !a.startsWith('--files=') &&
    !a.startsWith('--tests=') &&
    !targets.includes(a),
)
// The files `mutate` leaves out (stryker.config.json) stay out of a run over a folder too.
const config = JSON.parse(readFileSync(join(root, 'stryker.config.json'), 'utf8'))
const leftOut = config.mutate.filter((m) => m.startsWith('!'))
const globsOf = (paths) => [
  ...paths.map((t) => (statSync(join(root, t)).isDirectory() ? `${t.replace(/\/$/, '')}/**/*.ts` : t)),
  ...leftOut,
]
// A whole run is two: engine/ against the engine's own tests (the server's tests reach the engine
// too, but would multiply the time of each engine mutant that survives), then server/ against
// every test that runs sopflow in process. Each keeps its own incremental file.
const parts =
  targets.length || tests.length
    ? [{ targets, tests, engineOnly: targets.length > 0 && targets.every((t) => t.startsWith('engine')) }]
    : [
        { name: 'engine', targets: ['engine'], tests: [], engineOnly: true },
        { name: 'server', targets: ['server'], tests: [], engineOnly: false },
      ]

let status = 0
// The tests of the web app's headers serve the built app, as `npm test` builds it first.
if (!scoreOnly && !existsSync(join(root, 'dist', 'editor', 'index.html'))) {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const started = Date.now()
for (const part of scoreOnly ? [] : parts) {
  const partStarted = Date.now()
  const stryker = spawnSync(
    'nice',
    [
      '-n',
      '10',
      process.execPath,
      join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      ...(part.targets.length ? ['--mutate', globsOf(part.targets).join(',')] : []),
      ...(part.name ? ['--incrementalFile', `reports/stryker-incremental-${part.name}.json`] : []),
      ...options,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...(part.tests.length
          ? { SOPFLOW_MUTATION_TESTS: part.tests.join(',') }
          : part.engineOnly
            ? { SOPFLOW_MUTATION_TESTS: 'engine' }
            : {}),
      },
    },
  )
  status ||= stryker.status ?? 1
  console.log(`Stryker took ${((Date.now() - partStarted) / 60_000).toFixed(1)} min${part.name ? ` (${part.name}/)` : ''}`)
  // Fold this run's results into test/mutation/results/, noting which tests ran.
  const fold = spawnSync(
    process.execPath,
    [
      join(root, 'bin', 'mutation-score.mjs'),
      '--quiet',
      `--tests=${part.tests.length ? part.tests.join(',') : part.engineOnly ? 'engine' : 'all'}`,
      // Only the files this run mutated (an incremental report also carries earlier runs' files).
      ...(part.targets.length ? [`--only=${part.targets.join(',')}`] : []),
    ],
    { cwd: root, stdio: 'inherit' },
  )
  status ||= fold.status ?? 1
}
if (parts.length > 1 && !scoreOnly) console.log(`The whole run took ${((Date.now() - started) / 60_000).toFixed(1)} min`)
// The scores, and with files named each file's too.
const score = spawnSync(
  process.execPath,
  [join(root, 'bin', 'mutation-score.mjs'), '--no-fold', ...(targets.length || args.includes('--files') ? ['--files'] : [])],
  { cwd: root, stdio: 'inherit' },
)
process.exit(status || score.status || 0)
