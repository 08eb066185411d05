import { defineConfig } from 'vitest/config'
import { LoadFailuresAsTests } from './test/mutation-load-failures.ts'

/**
 * The tests Stryker runs against each mutant (`npm run mutation`): those that run sopflow's code in
 * their own process. Browser tests, and tests that start sopflow as another process (crash,
 * restart, abuse, the CLI), cannot see a mutant and are left out. `SOPFLOW_MUTATION_TESTS=engine`
 * keeps only the engine's own tests (and the examples'), for a quicker run over `engine/`; it leaves
 * out the property tests too, which try hundreds of random documents each (seconds per mutant).
 * Any other value is a comma-separated list of test files or folders (`npm run mutation --
 * --tests=…`): only those run.
 *
 * sopflow's own mutation test runner (`test/mutation-runner/`) reads only `include` and `exclude`
 * here; it gives hooks' coverage to the file's tests and shares one PostgreSQL server itself. The
 * setup file, global setup and reporter below serve Stryker's vitest runner (`--testRunner vitest`).
 */
const chosen = process.env.SOPFLOW_MUTATION_TESTS ?? ''
const engineOnly = chosen === 'engine'
const named =
  chosen && !engineOnly
    ? chosen.split(',').map((t) => (t.endsWith('.ts') ? t : `${t.replace(/\/$/, '')}/**/*.test.ts`))
    : []
export default defineConfig({
  test: {
    root: '.',
    include: named.length
      ? named
      : [
          'test/engine/**/*.test.ts',
          'test/examples/**/*.test.ts',
          ...(engineOnly ? [] : ['test/server/**/*.test.ts', 'test/independent-verifier/**/*.test.ts']),
        ],
    exclude: [
      // Each of these starts sopflow as another process (a real start, a kill, a shutdown).
      'test/server/process.test.ts',
      'test/server/abuse.test.ts',
      'test/server/outbox-crash.test.ts',
      'test/server/revocation-processes.test.ts',
      'test/server/shutdown.test.ts',
      'test/server/start-command.test.ts',
      ...(engineOnly ? ['test/engine/properties.test.ts'] : []),
    ],
    // What a file's beforeAll and afterAll hooks reach counts for that file's tests, not as static.
    setupFiles: ['test/mutation-file-hooks.ts'],
    // One PostgreSQL server for the whole run, shared by the PostgreSQL test files.
    globalSetup: engineOnly ? [] : ['test/mutation-postgres.ts'],
    reporters: ['default', new LoadFailuresAsTests()],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
})
