/**
 * The process in which the mutation test runner (`plugin.mjs`) runs test files, with vitest's
 * own test API (`@vitest/runner`, `expect`) but without vitest's workers: sopflow's modules stay
 * loaded from one mutant to the next, and Stryker's instrumented code switches mutants as it runs.
 * Each run imports its test files afresh (`hooks.mjs`); a run asked for `fresh` imports sopflow's
 * modules afresh too, for a mutant reached while they load or in a module that keeps state.
 *
 * Messages in: { id, kind: 'list' } (the test files), { id, kind: 'run', files, testIds?, activeMutant?, hitLimit?, dry, fresh, bail }.
 * Messages out: { id, files: [{ file, tests, errors, loadMs }], coverage?, hitCount, heapUsed }.
 */
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { register as registerTsx } from 'tsx/esm/api'

const [namespace, provided] = [
  process.env.SOPFLOW_MUTATION_NAMESPACE ?? '__stryker__',
  JSON.parse(process.env.SOPFLOW_MUTATION_PROVIDED ?? '{}'),
]
registerTsx()
// What is kept loaded between runs: sopflow's own modules (a test may name others).
const shared = (process.env.SOPFLOW_MUTATION_SHARED ?? 'engine/,server/,editor/,examples/').split(',')
register(new URL('./hooks.mjs', import.meta.url), {
  data: { root: pathToFileURL(`${process.cwd()}/`).href, shared },
})

// Ends this process when the plugin's process is gone, even while a mutant loops forever.
new Worker(
  `const parent = ${process.ppid};
   setInterval(() => { try { process.kill(parent, 0) } catch { process.kill(${process.pid}, 'SIGKILL') } }, 500)`,
  { eval: true },
).unref()

// What vitest's `inject`, `expect.getState().testPath` and `expect.poll` read in a vitest worker.
const workerState = {
  config: { expect: {}, snapshotOptions: { expand: false } },
  providedContext: provided,
  filepath: undefined,
}
Object.defineProperty(globalThis, '__vitest_worker__', {
  value: workerState,
  configurable: true,
  writable: true,
})

const ns = globalThis[namespace] ?? {}
globalThis[namespace] = ns
// The instrumented code keeps the first coverage object it sees: it is emptied, never replaced.
ns.mutantCoverage = { static: {}, perTest: {} }

const { startTests } = await import('@vitest/runner')

let run = 0
const errorsOutsideTests = []
process.on('unhandledRejection', (error) => errorsOutsideTests.push(describe(error)))
process.on('uncaughtException', (error) => errorsOutsideTests.push(describe(error)))

process.on('message', async (message) => {
  try {
    const answer = message.kind === 'list' ? { files: await testFiles() } : await runFiles(message)
    process.send({ id: message.id, ...answer })
  } catch (error) {
    process.send({ id: message.id, failure: describe(error) })
  }
})
process.send({ ready: true })

/** The test files `vitest.mutation.config.ts` chooses, in a stable order. */
async function testFiles() {
  const { glob } = await import('tinyglobby')
  const { default: config } = await import(pathToFileURL(`${process.cwd()}/vitest.mutation.config.ts`).href)
  const { include, exclude } = config.test
  const found = await glob(include, { ignore: exclude, cwd: process.cwd(), absolute: true })
  return found.sort()
}

async function runFiles({ files, testIds, activeMutant, hitLimit, dry, fresh, bail }) {
  const wanted = testIds ? new Set(testIds) : undefined
  const results = []
  let failed = false
  clear(ns.mutantCoverage.static)
  clear(ns.mutantCoverage.perTest)
  ns.activeMutant = activeMutant
  ns.hitLimit = hitLimit
  ns.hitCount = hitLimit === undefined ? undefined : 0
  errorsOutsideTests.length = 0
  // One loading of sopflow's modules for the whole run: the kept one, or a fresh one for this run.
  const generation = fresh ? `f${run + 1}` : 'base'
  for (const file of files) {
    if (failed && bail) break
    run += 1
    const result = await runFile(file, { query: `g=${generation}&t=${run}`, wanted, dry, bail })
    results.push(result)
    failed ||= result.errors.length > 0 || result.tests.some((t) => t.state === 'fail')
  }
  const hitCount = ns.hitCount
  ns.activeMutant = undefined
  ns.hitLimit = undefined
  ns.hitCount = undefined
  ns.currentTestId = undefined
  if (errorsOutsideTests.length && results.length)
    results[results.length - 1].errors.push(...errorsOutsideTests)
  return {
    files: results,
    coverage: dry ? ns.mutantCoverage : undefined,
    hitCount,
    heapUsed: process.memoryUsage().heapUsed,
  }
}

async function runFile(file, { query, wanted, dry, bail }) {
  const hooks = `${file}#(file hooks)`
  let bailed = false
  let loadMs = 0
  workerState.filepath = file
  const runner = {
    config: {
      root: process.cwd(),
      setupFiles: [],
      name: undefined,
      passWithNoTests: true,
      testNamePattern: undefined,
      allowOnly: false,
      sequence: { seed: 0, hooks: 'stack', setupFiles: 'list' },
      chaiConfig: undefined,
      maxConcurrency: 1,
      testTimeout: 60_000,
      hookTimeout: 120_000,
      retry: 0,
      includeTaskLocation: false,
      tags: [],
      tagsFilter: undefined,
      strictTags: false,
    },
    injectValue: (key) => provided[key],
    importFile: async (path) => {
      if (dry) ns.currentTestId = `${file}#(load)`
      const started = performance.now()
      try {
        await import(`${pathToFileURL(path).href}?${query}`)
      } finally {
        if (dry) ns.currentTestId = hooks
        loadMs += performance.now() - started
      }
    },
    onCollected: (collected) => {
      if (wanted) for (const task of collected) keepOnly(task, (test) => wanted.has(testId(test)))
    },
    onBeforeRunTask: (test) => {
      if (bailed) test.mode = 'skip'
      else if (dry) ns.currentTestId = testId(test)
    },
    onAfterRunTask: (test) => {
      if (dry) ns.currentTestId = hooks
      if (bail && test.result?.state === 'fail') bailed = true
    },
  }
  const [task] = await startTests([file], runner)
  if (dry) ns.currentTestId = hooks
  const tests = testsOf(task).map((test) => ({
    id: testId(test),
    name: fullName(test),
    state: test.result?.state ?? 'skip',
    duration: test.result?.duration ?? 0,
    failure: test.result?.errors?.map(describe).join('\n'),
  }))
  const errors = (task.result?.errors ?? []).map(describe)
  return { file, tests, errors, loadMs }
}

/** Marks the tests not chosen, and the suites left with none, as skipped: their hooks do not run. */
function keepOnly(suite, chosen) {
  let any = false
  for (const task of suite.tasks ?? []) {
    const keep = task.type === 'test' ? chosen(task) && task.mode !== 'skip' : keepOnly(task, chosen)
    if (!keep) task.mode = 'skip'
    any ||= keep
  }
  return any
}

function testsOf(task) {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(testsOf)
}

function fullName(test) {
  const names = [test.name]
  for (let suite = test.suite; suite && suite !== test.file; suite = suite.suite) names.unshift(suite.name)
  return names.join(' ').trim()
}

/** The test id as Stryker's vitest runner writes it: the file's path, `#`, the full name. */
function testId(test) {
  return `${test.file?.filepath ?? 'unknown.js'}#${fullName(test)}`
}

function clear(object) {
  for (const key of Object.keys(object)) delete object[key]
}

function describe(error) {
  if (error && typeof error === 'object') return String(error.stack ?? error.message ?? JSON.stringify(error))
  return String(error)
}
