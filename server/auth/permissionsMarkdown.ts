import { ROLES } from '../storage/types.ts'
import { PERMISSIONS, SCOPE_TEXT, SCOPES } from './permissions.ts'

export const START = '<!-- permission table: generated from server/auth/permissions.ts -->'
export const END = '<!-- end of the permission table -->'

/** The permission table as Markdown: one row per operation, a column per role. */
export function permissionsMarkdown(): string {
  const head = `| Operation | ${ROLES.join(' | ')} | Token scopes | Assignee only |`
  const rule = `| --- | ${ROLES.map(() => ':-:').join(' | ')} | --- | :-: |`
  const rows = PERMISSIONS.map((p) => {
    const open = p.roles === 'public' || p.roles === 'session'
    const cells = ROLES.map((r) => (open || (p.roles as readonly string[]).includes(r) ? '✓' : ''))
    const scopes =
      p.roles === 'public'
        ? 'public: no sign-in'
        : p.roles === 'session'
          ? 'own session only (no tokens)'
          : p.scopes.length === SCOPES.length
            ? 'any'
            : p.scopes.join(', ')
    return `| \`${p.method} ${p.path}\` | ${cells.join(' | ')} | ${scopes} | ${p.ownership ? '✓' : ''} |`
  })
  const scopes = SCOPES.map((s) => `- \`${s}\`: ${SCOPE_TEXT[s]}`)
  return [START, '', ...scopes, '', head, rule, ...rows, '', END].join('\n')
}

/** The text with its generated block replaced by the current table. */
export function withPermissionTable(text: string): string {
  const a = text.indexOf(START)
  const b = text.indexOf(END)
  if (a < 0 || b < a) throw new Error(`No generated block (${START} … ${END}) in the text`)
  return text.slice(0, a) + permissionsMarkdown() + text.slice(b + END.length)
}
