#!/usr/bin/env node
// `npm run mutation [-- files or folders…] [-- stryker options]`: runs Stryker (stryker.config.json)
// at low priority and prints the score per folder.
//   npm run mutation                      every file of engine/ and server/ (incremental)
//   npm run mutation -- engine/guard.ts   one file (or several, or a folder such as server/auth)
//   npm run mutation -- --files=engine/templates.ts,engine/survey.ts --tests=test/server/reply-templates.test.ts
//                                         those files, against only the test files named (a quick
//                                         loop over one file and the tests that reach it)
//   npm run mutation -- --score           only print the scores (add --files for each file's)
// When every file named is under engine/ (and no --tests= is given), only the engine's own tests
// run against the mutants.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
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
const globs = targets.map((t) => (statSync(join(root, t)).isDirectory() ? `${t.replace(/\/$/, '')}/**/*.ts` : t))
const engineOnly = targets.length > 0 && targets.every((t) => t.startsWith('engine'))

let status = 0
// The tests of the web app's headers serve the built app, as `npm test` builds it first.
if (!scoreOnly && !existsSync(join(root, 'dist', 'editor', 'index.html'))) {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
if (!scoreOnly) {
  const started = Date.now()
  const stryker = spawnSync(
    'nice',
    [
      '-n',
      '10',
      process.execPath,
      join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
      'run',
      ...(globs.length ? ['--mutate', globs.join(',')] : []),
      ...options,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        ...(tests.length
          ? { SOPFLOW_MUTATION_TESTS: tests.join(',') }
          : engineOnly
            ? { SOPFLOW_MUTATION_TESTS: 'engine' }
            : {}),
      },
    },
  )
  status = stryker.status ?? 1
  console.log(`Stryker took ${((Date.now() - started) / 60_000).toFixed(1)} min`)
}
// With files named, the score of each file too.
const score = spawnSync(
  process.execPath,
  [
    join(root, 'bin', 'mutation-score.mjs'),
    ...(targets.length || args.includes('--files') ? ['--files'] : []),
    // Which tests ran, kept with the results (a run with only some tests gives lower bounds).
    ...(scoreOnly ? ['--no-fold'] : [`--tests=${tests.length ? tests.join(',') : engineOnly ? 'engine' : 'all'}`]),
    // Only the files this run mutated (an incremental report also carries earlier runs' files).
    ...(!scoreOnly && targets.length ? [`--only=${targets.join(',')}`] : []),
  ],
  { cwd: root, stdio: 'inherit' },
)
process.exit(status || score.status || 0)
