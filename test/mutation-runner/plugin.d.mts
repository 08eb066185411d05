import type { Logger } from '@stryker-mutator/api/logging'
import type {
  DryRunResult,
  MutantRunOptions,
  MutantRunResult,
  TestRunner,
} from '@stryker-mutator/api/test-runner'

export class SopflowTestRunner implements TestRunner {
  constructor(log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'isDebugEnabled'>)
  capabilities(): { reloadEnvironment: boolean }
  init(): Promise<void>
  dryRun(): Promise<DryRunResult>
  mutantRun(options: MutantRunOptions): Promise<MutantRunResult>
  dispose(): Promise<void>
}
export const strykerPlugins: unknown[]
