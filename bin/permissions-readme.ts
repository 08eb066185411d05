// Rewrites the permission table in README.md from server/auth/permissions.ts:
//   npx tsx bin/permissions-readme.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { withPermissionTable } from '../server/auth/permissionsMarkdown.ts'

const file = join(import.meta.dirname, '..', 'README.md')
writeFileSync(file, withPermissionTable(readFileSync(file, 'utf8')))
