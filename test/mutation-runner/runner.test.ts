import { type ChildProcess, fork } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { DryRunStatus, MutantRunStatus, TestStatus } from '@stryker-mutator/api/test-runner'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initialize, resolve } from './hooks.mjs'
import { SopflowTestRunner } from './plugin.mjs'

// The test runner of `npm run mutation` (test/mutation-runner/): its host process, run on a
// module made like Stryker's instrumented code (test/fixtures/mutation-runner/counted.ts).
const root = join(import.meta.dirname, '..', '..')
const fixture = join(root, 'test', 'fixtures', 'mutation-runner', 'counted.fixture.ts')
const broken = join(root, 'test', 'fixtures', 'mutation-runner', 'broken.fixture.ts')
const second = join(root, 'test', 'fixtures', 'mutation-runner', 'second.fixture.ts')
const id = (name: string) => `${fixture}#counted ${name}`

type FileResult = { file: string; tests: { id: string; state: string; failure?: string }[]; errors: string[] }
type Answer = {
  files: FileResult[]
  coverage?: { static: object; perTest: Record<string, object> }
  hitCount?: number
}
type Run = {
  files: string[]
  dry?: boolean
  fresh?: boolean
  bail?: boolean
  activeMutant?: string
  testIds?: string[]
  hitLimit?: number
}

let host: ChildProcess
let asked = 0
function run(message: Run): Promise<Answer> {
  const id = ++asked
  return new Promise((done, fail) => {
    const onMessage = (answer: Answer & { id?: number; failure?: string }) => {
      if (answer.id !== id) return
      host.off('message', onMessage)
      if (answer.failure) fail(new Error(answer.failure))
      else done(answer)
    }
    host.on('message', onMessage)
    host.send({ kind: 'run', dry: false, fresh: false, bail: false, ...message, id })
  })
}
const dryCoverage = {
  [`${fixture}#(load)`]: { 1: 1 },
  [`${fixture}#(file hooks)`]: { 3: 2 },
  [id('doubles')]: { 2: 1 },
}
const states = (answer: Answer) =>
  Object.fromEntries(answer.files[0].tests.map((t) => [t.id.split('#counted ')[1], t.state]))

beforeAll(async () => {
  host = fork(join(root, 'test', 'mutation-runner', 'host.mjs'), [], {
    cwd: root,
    env: {
      ...process.env,
      SOPFLOW_MUTATION_PROVIDED: '{}',
      SOPFLOW_MUTATION_SHARED: 'engine/,server/,test/fixtures/mutation-runner/counted.ts',
    },
  })
  await new Promise<void>((ready) => host.once('message', () => ready()))
})
afterAll(() => {
  host.kill('SIGKILL')
})

describe('the mutation test host', () => {
  it('records in a dry run what loading reaches apart from what each test reaches', async () => {
    const answer = await run({ files: [fixture], dry: true, fresh: true })
    expect(states(answer)).toEqual({
      doubles: 'pass',
      'runs on a copy of the module no earlier run called': 'pass',
      'reads the factor set at load': 'pass',
    })
    expect(answer.coverage?.perTest).toEqual(dryCoverage)
    expect(answer.coverage?.static).toEqual({})
  })

  it('keeps the modules loaded from one run to the next, and loads them afresh when asked', async () => {
    const first = await run({ files: [fixture], fresh: true })
    expect(states(first)['runs on a copy of the module no earlier run called']).toBe('pass')
    const base = await run({ files: [fixture] })
    expect(states(base)['runs on a copy of the module no earlier run called']).toBe('pass')
    const again = await run({ files: [fixture] })
    expect(states(again)['runs on a copy of the module no earlier run called']).toBe('fail')
    const fresh = await run({ files: [fixture], fresh: true })
    expect(states(fresh)['runs on a copy of the module no earlier run called']).toBe('pass')
  })

  it('loads the modules afresh once per run, for all its test files', async () => {
    const answer = await run({ files: [fixture, fixture], fresh: true })
    const copies = answer.files.map(
      (f) => f.tests.find((t) => t.id === id('runs on a copy of the module no earlier run called'))?.state,
    )
    expect(copies).toEqual(['pass', 'fail'])
  })

  it('activates the mutant before the modules load, so a fresh load sees a mutant reached only then', async () => {
    const fresh = await run({ files: [fixture], fresh: true, activeMutant: '1' })
    expect(states(fresh)['reads the factor set at load']).toBe('fail')
    // The shared copy loaded without it: the reason the runner loads afresh for such mutants.
    const shared = await run({ files: [fixture], activeMutant: '1' })
    expect(states(shared)['reads the factor set at load']).toBe('pass')
  })

  it('stops at the first failed test when bailing, and runs only the tests asked for', async () => {
    const bailed = await run({ files: [fixture], fresh: true, activeMutant: '2', bail: true })
    expect(states(bailed)).toEqual({
      doubles: 'fail',
      'runs on a copy of the module no earlier run called': 'skip',
      'reads the factor set at load': 'skip',
    })
    const all = await run({ files: [fixture], fresh: true, activeMutant: '2' })
    expect(states(all)).toEqual({
      doubles: 'fail',
      'runs on a copy of the module no earlier run called': 'pass',
      'reads the factor set at load': 'pass',
    })
    const chosen = await run({ files: [fixture], fresh: true, testIds: [id('reads the factor set at load')] })
    expect(states(chosen)).toEqual({
      doubles: 'skip',
      'runs on a copy of the module no earlier run called': 'skip',
      'reads the factor set at load': 'pass',
    })
  })

  it('counts the hits of the active mutant against its limit, from zero in each run', async () => {
    for (let i = 0; i < 2; i++) {
      const answer = await run({ files: [fixture], fresh: true, activeMutant: '2', hitLimit: 10 })
      expect(answer.hitCount).toBe(1)
    }
    const over = await run({ files: [fixture], fresh: true, activeMutant: '2', hitLimit: 0 })
    expect(over.hitCount).toBe(1)
    expect(over.files[0].tests[0].failure).toContain('Hit limit reached (1)')
    const unlimited = await run({ files: [fixture], fresh: true, activeMutant: '2' })
    expect(unlimited.hitCount).toBeUndefined()
  })

  it('records in each dry run only what that run reached', async () => {
    await run({ files: [fixture], fresh: true, activeMutant: '2' })
    const answer = await run({ files: [fixture], dry: true, fresh: true })
    expect(answer.coverage?.perTest).toEqual(dryCoverage)
  })

  it('reports a test file that fails to load with its error', async () => {
    const answer = await run({ files: [broken], fresh: true })
    expect(answer.files[0].tests).toEqual([])
    expect(answer.files[0].errors.join('\n')).toContain('this module fails to load')
  })
})

describe('the module hooks of the mutation test host', () => {
  const parent = (query: string) => `file://${root}/test/a.test.ts?${query}`
  const next = (url: string) => async () => ({ url, format: 'module' })
  it('gives test modules the whole query, sopflow modules the generation unless shared, packages none', async () => {
    initialize({ root: `file://${root}/`, shared: ['engine/', 'server/'] })
    const cases: [string, string, string][] = [
      [`file://${root}/test/server/helpers.ts`, 'g=f3&t=7', `file://${root}/test/server/helpers.ts?g=f3&t=7`],
      [`file://${root}/engine/guard.ts`, 'g=f3&t=7', `file://${root}/engine/guard.ts?g=f3`],
      [`file://${root}/engine/guard.ts`, 'g=base&t=7', `file://${root}/engine/guard.ts`],
      [
        `file://${root}/test/server/helpers.ts`,
        'g=base&t=7',
        `file://${root}/test/server/helpers.ts?g=base&t=7`,
      ],
      [
        `file://${root}/node_modules/xstate/dist/xstate.mjs`,
        'g=f3&t=7',
        `file://${root}/node_modules/xstate/dist/xstate.mjs`,
      ],
      ['file:///elsewhere/x.mjs', 'g=f3&t=7', 'file:///elsewhere/x.mjs'],
    ]
    for (const [url, query, expected] of cases) {
      expect((await resolve('x', { parentURL: parent(query) }, next(url))).url).toBe(expected)
    }
    expect(
      (await resolve('x', { parentURL: `file://${root}/engine/a.ts` }, next(`file://${root}/engine/b.ts`)))
        .url,
    ).toBe(`file://${root}/engine/b.ts`)
  })
})

describe('the mutation test runner plugin', () => {
  const log = { debug() {}, info() {}, warn() {}, error() {}, isDebugEnabled: () => false }
  const runners: SopflowTestRunner[] = []
  const saved = { tests: process.env.SOPFLOW_MUTATION_TESTS, shared: process.env.SOPFLOW_MUTATION_SHARED }
  const runOf = (id: string, testFilter?: string[]) => ({
    activeMutant: {
      id,
      fileName: 'counted.ts',
      mutatorName: 'x',
      replacement: 'x',
      location: { start: { line: 1, column: 0 }, end: { line: 1, column: 1 } },
    },
    testFilter,
    mutantActivation: 'runtime' as const,
    sandboxFileName: join(root, 'test', 'fixtures', 'mutation-runner', 'counted.ts'),
    disableBail: false,
    reloadEnvironment: false,
    timeout: 60_000,
  })
  beforeAll(() => {
    process.env.SOPFLOW_MUTATION_TESTS = 'test/fixtures/mutation-runner/counted.fixture.ts'
    process.env.SOPFLOW_MUTATION_SHARED = 'engine/,server/,test/fixtures/mutation-runner/counted.ts'
  })
  afterAll(async () => {
    for (const runner of runners) await runner.dispose()
    rmSync(join(root, '.sopflow-mutation-loads.json'), { force: true })
    process.env.SOPFLOW_MUTATION_TESTS = saved.tests
    process.env.SOPFLOW_MUTATION_SHARED = saved.shared
    if (saved.tests === undefined) delete process.env.SOPFLOW_MUTATION_TESTS
    if (saved.shared === undefined) delete process.env.SOPFLOW_MUTATION_SHARED
  })

  it('gives what loading and hooks reach to each test, and loads afresh for a mutant reached only while loading, in every runner, and outlives a mutant that ends the host', async () => {
    const first = new SopflowTestRunner(log)
    runners.push(first)
    await first.init()
    const dry = await first.dryRun()
    if (dry.status !== DryRunStatus.Complete) throw new Error(`dry run: ${JSON.stringify(dry)}`)
    expect(dry.tests.map((t) => [t.id, t.status])).toEqual([
      [id('doubles'), TestStatus.Success],
      [id('runs on a copy of the module no earlier run called'), TestStatus.Success],
      [id('reads the factor set at load'), TestStatus.Success],
    ])
    expect(dry.mutantCoverage?.perTest).toEqual({
      [id('doubles')]: { 1: 1, 2: 1, 3: 2 },
      [id('runs on a copy of the module no earlier run called')]: { 1: 1, 3: 2 },
      [id('reads the factor set at load')]: { 1: 1, 3: 2 },
    })
    const steady = [id('doubles'), id('reads the factor set at load')]
    for (const runner of [first, await started(runners)]) {
      const atLoad = await runner.mutantRun(runOf('1', steady))
      expect([atLoad.status, atLoad.status === MutantRunStatus.Killed && atLoad.killedBy]).toEqual([
        MutantRunStatus.Killed,
        [id('doubles')],
      ])
      expect((await runner.mutantRun(runOf('2', steady))).status).toBe(MutantRunStatus.Killed)
      // A mutant that ends the host is an error, and the next run has a host again.
      expect((await runner.mutantRun(runOf('4', steady))).status).toBe(MutantRunStatus.Error)
      for (let i = 0; i < 2; i++)
        expect((await runner.mutantRun(runOf('9', steady))).status).toBe(MutantRunStatus.Survived)
    }
  })

  it('runs first the test file that killed a mutant most recently', async () => {
    process.env.SOPFLOW_MUTATION_TESTS = `${relative(root, fixture)},${relative(root, second)}`
    const runner = await started(runners)
    expect((await runner.dryRun()).status).toBe(DryRunStatus.Complete)
    const both = [id('doubles'), `${second}#doubles three`]
    const killer = async (mutant: string) => {
      const result = await runner.mutantRun(runOf(mutant, both))
      return result.status === MutantRunStatus.Killed ? result.killedBy : result.status
    }
    expect(await killer('2')).toEqual([id('doubles')])
    expect(await killer('5')).toEqual([`${second}#doubles three`])
    expect(await killer('2')).toEqual([`${second}#doubles three`])
  })
})

async function started(runners: SopflowTestRunner[]): Promise<SopflowTestRunner> {
  const runner = new SopflowTestRunner({
    debug() {},
    info() {},
    warn() {},
    error() {},
    isDebugEnabled: () => false,
  })
  runners.push(runner)
  await runner.init()
  return runner
}
