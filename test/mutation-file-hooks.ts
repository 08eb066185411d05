import { afterAll, beforeAll, expect, inject } from 'vitest'

/**
 * Under `npm run mutation`, Stryker's vitest runner records which test reaches each mutant only
 * between `beforeEach` and `afterEach`. Code reached in a file's `beforeAll` and `afterAll` hooks
 * (a server and its store set up once for the file's tests) counts as reached by no test in
 * particular, a "static" mutant, and every such mutant then runs the whole suite. This setup file,
 * used by `vitest.mutation.config.ts` only, gives what a file's hooks reach to each test of that
 * file instead: only those tests can see it, since each test file runs in its own module graph.
 * Code reached while the test file and the modules it imports load (a test file's top-level
 * `const state = start(sop, …)`) is given to that file's tests the same way: every run loads
 * them afresh. So that such code sees the mutant, a mutant run activates it before the test file
 * loads, where Stryker would activate a mutant it does not call static only in `beforeAll`.
 */
type Coverage = { static: Record<string, number>; perTest: Record<string, Record<string, number>> }
type Namespace = { currentTestId?: string; mutantCoverage?: Coverage }
type Task = { type: string; name: string; suite?: Task; file?: { filepath: string }; tasks?: Task[] }

const globalNamespace = inject('globalNamespace' as never) as string | undefined
const mode = inject('mode' as never) as string | undefined
if (globalNamespace && mode === 'mutant') {
  const g = globalThis as Record<string, unknown>
  if (!g[globalNamespace]) g[globalNamespace] = {}
  ;(g[globalNamespace] as { activeMutant?: string }).activeMutant = inject('activeMutant' as never)
}
if (globalNamespace && mode === 'dry-run') {
  const g = globalThis as Record<string, unknown>
  if (!g[globalNamespace]) g[globalNamespace] = {}
  const ns = g[globalNamespace] as Namespace
  let current: string | undefined = ns.currentTestId
  // Until the file's hooks start: what its loading reaches (the same id, so it goes the same way).
  let hooks: string | undefined = `${expect.getState().testPath}#(file hooks)`
  Object.defineProperty(ns, 'currentTestId', {
    configurable: true,
    enumerable: true,
    get: () => current ?? hooks,
    set: (id: string | undefined) => {
      current = id
    },
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest 4.1 passes the suite second, after a context it reads by destructuring
  beforeAll(({}, suite) => {
    hooks = `${(suite as unknown as { filepath: string }).filepath}#(file hooks)`
  })
  // Registered before the test file's own hooks, so this runs after its `afterAll`.
  // biome-ignore lint/correctness/noEmptyPattern: as above
  afterAll(({}, suite) => {
    const id = hooks
    hooks = undefined
    const coverage = ns.mutantCoverage
    const reached = id ? coverage?.perTest[id] : undefined
    if (!coverage || !id || !reached) return
    delete coverage.perTest[id]
    for (const test of testsOf(suite as unknown as Task)) {
      const testId = rawTestId(test)
      const into = coverage.perTest[testId] ?? {}
      coverage.perTest[testId] = into
      for (const [mutant, hits] of Object.entries(reached)) into[mutant] = (into[mutant] ?? 0) + hits
    }
  })
}

function testsOf(task: Task): Task[] {
  return task.type === 'test' ? [task] : (task.tasks ?? []).flatMap(testsOf)
}

/** The test id as Stryker's vitest runner writes it (its `toRawTestId`). */
function rawTestId(test: Task): string {
  const names = [test.name]
  for (let suite = test.suite; suite; suite = suite.suite) names.unshift(suite.name)
  return `${test.file?.filepath ?? 'unknown.js'}#${names.join(' ').trim()}`
}
