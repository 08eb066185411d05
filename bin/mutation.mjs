#!/usr/bin/env node
// `npm run mutation [-- stryker options]`: runs Stryker (stryker.config.json) and prints the score
// per folder. Examples: `npm run mutation -- --mutate "engine/**/*.ts" --concurrency 1`.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const stryker = spawnSync(
  process.execPath,
  [join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
)
const score = spawnSync(process.execPath, [join(root, 'bin', 'mutation-score.mjs')], { cwd: root, stdio: 'inherit' })
process.exit(stryker.status || score.status || 0)
