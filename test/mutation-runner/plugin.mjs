/**
 * Stryker's test runner for `npm run mutation` ("testRunner": "sopflow" in stryker.config.json).
 *
 * Stryker's vitest runner gives every mutant a new vitest run, and vitest 4 loads each test file
 * and every module it imports afresh in a new worker: about a second per mutant for a server test
 * file whose tests take a fifth of that. This runner keeps one process (`host.mjs`) in which
 * sopflow's modules stay loaded, and imports only the test files again for each mutant. Stryker's
 * instrumented code decides at each call which mutant is active, so a loaded module serves every
 * mutant, except:
 * - a mutant reached while the modules load (a schema or table built at import): the dry run
 *   imports each test file with sopflow's modules afresh and records what their loading reaches;
 *   a mutant among those runs with the modules loaded afresh, and active while they load;
 * - a mutant in a module that keeps what it computed for later calls (`STATEFUL`): a wrong value
 *   it left in a cache would reach the runs of other mutants, so it runs on fresh modules too.
 * Fresh loads accumulate in the host's memory, so the host is restarted past `HEAP_LIMIT`.
 *
 * What a test file's loading and its `beforeAll`/`afterAll` hooks reach is given to each test of
 * that file (as `test/mutation-file-hooks.ts` does for vitest runs), not counted as "static".
 */
import { fork } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { INSTRUMENTER_CONSTANTS } from '@stryker-mutator/api/core'
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin'
import {
  DryRunStatus,
  determineHitLimitReached,
  TestStatus,
  toMutantRunResult,
} from '@stryker-mutator/api/test-runner'

/** Modules that keep computed values between calls in module-level caches or flags. */
const STATEFUL = new Set([
  'engine/accept.ts', // snapshots and timer specs per state and SOP; a flag tests set
  'engine/actionTransitions.ts', // transitions per active state
  'engine/calendar.ts', // time zones known valid, days per calendar
  'engine/contactWindow.ts', // calendars per zone
  'engine/duration.ts', // parsed durations by text
  'engine/guardProbe.ts', // the log of guard evaluations
  'engine/pureTransition.ts', // actor scopes per machine
  'engine/transitionMemo.ts', // remembered transition choices
  'server/auth/passwords.ts', // the dummy hash compared against unknown users
  'server/auth/sqliteAuth.ts', // queued writes per user
])
const HEAP_LIMIT = 1024 ** 3
/** Where the dry run leaves what loading reached, for the other runners of a run (`--concurrency`). */
const LOADED_BY = '.sopflow-mutation-loads.json'
const HOST = fileURLToPath(new URL('./host.mjs', import.meta.url))
const POSTGRES = fileURLToPath(new URL('./postgres.mjs', import.meta.url))

export class SopflowTestRunner {
  static inject = [commonTokens.logger]
  host
  postgres
  provided = {}
  files = []
  loadedBy = new Map()
  /** When each test file last killed a mutant in this runner (a count of kills): latest first. */
  lastKill = new Map()
  killCount = 0
  next = 0
  pending = new Map()

  constructor(log) {
    this.log = log
  }

  capabilities() {
    return { reloadEnvironment: true }
  }

  async init() {
    const chosen = process.env.SOPFLOW_MUTATION_TESTS ?? ''
    if (chosen !== 'engine') {
      this.postgres = fork(POSTGRES, [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      })
      const { port } = await once(this.postgres)
      this.provided.sopflowSharedPostgres = port
    }
    await this.startHost()
    this.files = (await this.ask({ kind: 'list' })).files
  }

  async dryRun() {
    const tests = []
    const errors = []
    const perTest = {}
    const statics = {}
    // One file at a time, each with sopflow's modules loaded afresh, so that what loading them
    // reaches is known per file; the host is restarted when those copies fill its memory.
    for (const file of this.files) {
      const answer = await this.ask({ kind: 'run', files: [file], dry: true, fresh: true, bail: false })
      const { tests: fileTests, errors: fileErrors, loadMs } = answer.files[0]
      const coverage = answer.coverage
      errors.push(...fileErrors.map((e) => `${relative(process.cwd(), file)}: ${e}`))
      // Each test's time, and the file's first test's also the time its modules took to load:
      // Stryker's timeout for a mutant grows with the time of the tests it runs, and a run that
      // loads the modules afresh takes that time again.
      for (const [i, test] of fileTests.entries()) {
        if (test.state === 'fail') errors.push(`${test.id}: ${test.failure}`)
        tests.push(toTestResult(i === 0 ? { ...test, duration: test.duration + loadMs } : test, file))
      }
      add(statics, coverage.static)
      const load = coverage.perTest[`${file}#(load)`] ?? {}
      this.loadedBy.set(file, new Set(Object.keys(load)))
      const hooks = coverage.perTest[`${file}#(file hooks)`] ?? {}
      for (const test of fileTests) {
        const into = {}
        for (const hits of [coverage.perTest[test.id] ?? {}, load, hooks]) add(into, hits)
        perTest[test.id] = into
      }
      if (answer.heapUsed > HEAP_LIMIT) await this.restartHost()
    }
    if (errors.length) return { status: DryRunStatus.Error, errorMessage: errors.join('\n\n') }
    const loads = Object.fromEntries([...this.loadedBy].map(([file, mutants]) => [file, [...mutants]]))
    writeFileSync(join(process.cwd(), LOADED_BY), JSON.stringify(loads))
    // Start the mutant runs on a host that holds no copies from the dry run.
    await this.restartHost()
    return { status: DryRunStatus.Complete, tests, mutantCoverage: { static: statics, perTest } }
  }

  async mutantRun(options) {
    const mutant = options.activeMutant.id
    if (!this.loadedBy.size) this.readLoads()
    const testIds = options.testFilter
    const files = testIds ? [...new Set(testIds.map((id) => id.slice(0, id.indexOf('#'))))] : this.files
    const fresh =
      !testIds ||
      options.mutantActivation === 'static' ||
      STATEFUL.has(relative(process.cwd(), options.sandboxFileName)) ||
      files.some((file) => this.loadedBy.get(file)?.has(mutant))
    let answer
    try {
      answer = await this.ask({
        kind: 'run',
        files: this.ordered(files),
        testIds,
        activeMutant: mutant,
        hitLimit: options.hitLimit,
        dry: false,
        fresh,
        bail: !options.disableBail,
      })
    } catch (error) {
      // The mutant ended the host (it exits, or exhausts memory): an error, as vitest reports a
      // worker that died; the next run starts a new host.
      return toMutantRunResult({ status: DryRunStatus.Error, errorMessage: String(error.message ?? error) })
    }
    if (answer.heapUsed > HEAP_LIMIT) await this.restartHost()
    const tests = []
    for (const { file, tests: fileTests, errors } of answer.files) {
      for (const test of fileTests) tests.push(toTestResult(test, file))
      // A file that failed outside its tests (it did not load, a hook threw): one failed test.
      if (errors.length && !fileTests.some((t) => t.state === 'fail'))
        tests.push({
          id: `${file}#the test file loads`,
          name: `${relative(process.cwd(), file)} loads and its hooks pass`,
          status: TestStatus.Failed,
          failureMessage: errors.join('\n'),
          timeSpentMs: 0,
          fileName: file,
        })
    }
    const killer = tests.find((t) => t.status === TestStatus.Failed)?.fileName
    if (killer) this.lastKill.set(killer, ++this.killCount)
    const timeout = determineHitLimitReached(answer.hitCount, options.hitLimit)
    return toMutantRunResult(timeout ?? { status: DryRunStatus.Complete, tests }, options.disableBail)
  }

  /**
   * The test files to run, those that killed a mutant most recently first (then in the dry run's
   * order): a run stops at its first failed test, and a mutant is most often killed by the file
   * that killed its neighbours, so killed mutants cost less; one that survives runs them all anyway.
   */
  ordered(files) {
    const chosen = this.files.filter((f) => files.includes(f))
    return chosen.sort((a, b) => (this.lastKill.get(b) ?? 0) - (this.lastKill.get(a) ?? 0))
  }

  /** A runner started after the dry run (another of the run's workers) reads what it found. */
  readLoads() {
    const path = join(process.cwd(), LOADED_BY)
    if (!existsSync(path))
      throw new Error(`No dry run has written ${LOADED_BY}: a mutant run needs what it found`)
    for (const [file, mutants] of Object.entries(JSON.parse(readFileSync(path, 'utf8'))))
      this.loadedBy.set(file, new Set(mutants))
  }

  async dispose() {
    this.host?.kill('SIGKILL')
    this.host = undefined
    if (this.postgres) {
      const ended = new Promise((resolve) => this.postgres.once('exit', resolve))
      this.postgres.kill('SIGTERM')
      await ended
      this.postgres = undefined
    }
  }

  async startHost() {
    this.host = fork(HOST, [], {
      execArgv: ['--expose-gc', '--max-old-space-size=4096'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        VITEST: '1',
        SOPFLOW_MUTATION_NAMESPACE: INSTRUMENTER_CONSTANTS.NAMESPACE,
        SOPFLOW_MUTATION_PROVIDED: JSON.stringify(this.provided),
      },
    })
    const host = this.host
    host.on('message', (message) => {
      const waiting = this.pending.get(message.id)
      if (!waiting) return
      this.pending.delete(message.id)
      if (message.failure) waiting.reject(new Error(message.failure))
      else waiting.resolve(message)
    })
    host.on('exit', (code, signal) => {
      if (this.host === host) this.host = undefined
      for (const [, waiting] of this.pending)
        waiting.reject(new Error(`The test host ended (${signal ?? code})`))
      this.pending.clear()
    })
    await once(host, (message) => message.ready)
  }

  async restartHost() {
    const old = this.host
    this.host = undefined
    old?.kill('SIGKILL')
    await this.startHost()
  }

  /** Sends a request to the host, first starting one if the last has ended. */
  async ask(message) {
    if (!this.host) await this.startHost()
    const id = ++this.next
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.host.send({ ...message, id })
    })
  }
}

function once(child, accept = () => true) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (!accept(message)) return
      child.off('exit', onExit)
      child.off('message', onMessage)
      resolve(message)
    }
    const onExit = (code) => reject(new Error(`${child.spawnfile} ended (${code}) before it was ready`))
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

function add(into, hits) {
  for (const [mutant, n] of Object.entries(hits)) into[mutant] = (into[mutant] ?? 0) + n
}

function toTestResult(test, file) {
  const base = { id: test.id, name: test.name, timeSpentMs: Math.round(test.duration), fileName: file }
  if (test.state === 'fail')
    return { ...base, status: TestStatus.Failed, failureMessage: test.failure ?? 'failed' }
  if (test.state === 'pass') return { ...base, status: TestStatus.Success }
  return { ...base, status: TestStatus.Skipped }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'sopflow', SopflowTestRunner)]
