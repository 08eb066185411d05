import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PERMISSIONS } from '../../server/auth/permissions.ts'
import { END, permissionsMarkdown, START } from '../../server/auth/permissionsMarkdown.ts'
import { root } from './helpers.ts'

describe('the README', () => {
  it('holds the permission table exactly as server/auth/permissions.ts generates it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const block = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length)
    expect(block).toBe(permissionsMarkdown())
    for (const p of PERMISSIONS) expect(block).toContain(`\`${p.method} ${p.path}\``)
  })
})
