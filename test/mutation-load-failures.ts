import type { RunnerTestCase, RunnerTestFile } from 'vitest'
import type { Reporter, Vitest } from 'vitest/node'

/**
 * Under `npm run mutation`, a mutant that breaks a test file while it loads (a schema that no
 * longer parses the test's fixtures, a module that throws when imported) leaves that file failed
 * with no tests in it. Stryker reads only the tests, so it would count the mutant as survived with
 * no test run. This reporter gives each such file one failed test carrying the load error, so the
 * mutant counts as killed by it.
 */
export class LoadFailuresAsTests implements Reporter {
  private vitest: Vitest | undefined

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunEnd(): void {
    for (const file of this.vitest?.state.getFiles() ?? []) {
      if (file.result?.state !== 'fail' || hasTests(file)) continue
      const test: RunnerTestCase = {
        type: 'test',
        id: `${file.id}_load`,
        name: 'the test file loads',
        fullName: `${file.name} the test file loads`,
        mode: 'run',
        file,
        suite: file,
        meta: {},
        annotations: [],
        artifacts: [],
        timeout: 0,
        context: undefined as unknown as RunnerTestCase['context'],
        result: { state: 'fail', errors: file.result.errors ?? [] },
      } as unknown as RunnerTestCase
      file.tasks.push(test)
    }
  }
}

function hasTests(task: RunnerTestFile | RunnerTestFile['tasks'][number]): boolean {
  if (task.type === 'test') return true
  return 'tasks' in task && task.tasks.some(hasTests)
}
