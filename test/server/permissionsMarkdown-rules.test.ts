import { describe, expect, it } from 'vitest'
import {
  END,
  permissionsMarkdown,
  START,
  withPermissionTable,
} from '../../server/auth/permissionsMarkdown.ts'

describe('permission table block rules', () => {
  it('replaces exactly the generated block, keeping the text around it', () => {
    const text = `# Title\n\nBefore.\n${START}\nan old table\n${END}\nAfter.\n`
    expect(withPermissionTable(text)).toBe(`# Title\n\nBefore.\n${permissionsMarkdown()}\nAfter.\n`)
    // Already current: the same text again.
    const current = withPermissionTable(text)
    expect(withPermissionTable(current)).toBe(current)
  })

  it('a block at the very start or end of the text is replaced too', () => {
    expect(withPermissionTable(`${START}${END}`)).toBe(permissionsMarkdown())
  })

  it('refuses a text without the block, or with its end before its start', () => {
    const message = `No generated block (${START} … ${END}) in the text`
    expect(() => withPermissionTable('no block here')).toThrow(message)
    expect(() => withPermissionTable(`${START} but no end`)).toThrow(message)
    expect(() => withPermissionTable(`an end ${END} but no start`)).toThrow(message)
    expect(() => withPermissionTable(`${END} then ${START}`)).toThrow(message)
  })
})
