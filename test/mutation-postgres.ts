import type { TestProject } from 'vitest/node'
import { startOwnPostgres } from './server/pgHarness.ts'

/**
 * Global setup of mutation runs (`vitest.mutation.config.ts`): one PostgreSQL server for the whole
 * run, which every PostgreSQL test file uses instead of starting its own (`startPostgres`). A
 * mutant run would otherwise start and stop a server for each test file it runs, and create each
 * database with fsync on: several seconds per mutant.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startOwnPostgres({ durable: false })
  project.provide('sopflowSharedPostgres', server.port)
  return () => server.stop()
}
