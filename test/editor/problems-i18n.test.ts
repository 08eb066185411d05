import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import csCommon from '../../editor/src/locales/cs/common.json'
import enCommon from '../../editor/src/locales/en/common.json'
import viCommon from '../../editor/src/locales/vi/common.json'
import { problemText } from '../../editor/src/ui/problemText.ts'
import { PROBLEM_CODES } from '../../server/http/problem.ts'

const root = join(import.meta.dirname, '..', '..')
const texts: Record<string, Record<string, string>> = {
  en: enCommon.problems,
  vi: viCommon.problems,
  cs: csCommon.problems,
}

/** Every `code` written literally into a Problem in the server's source. */
function codesInSource(): string[] {
  const found = new Set<string>()
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (/\.(ts|mts)$/.test(e.name))
        for (const m of readFileSync(path, 'utf8').matchAll(/new Problem\(\s*\d+,\s*'([a-z_]+)'/g))
          found.add(m[1])
    }
  }
  walk(join(root, 'server'))
  return [...found]
}

describe('problem texts', () => {
  it('has every problem code the server can send, in English, Vietnamese and Czech', () => {
    expect(PROBLEM_CODES.length).toBeGreaterThan(25)
    for (const code of codesInSource()) expect(PROBLEM_CODES, code).toContain(code)
    for (const lang of ['en', 'vi', 'cs'])
      for (const code of PROBLEM_CODES)
        expect(texts[lang][code]?.trim(), `${lang}: problems.${code}`).toBeTruthy()
  })

  it('renders a problem from its code and params, with labels instead of ids, in the reader’s language', async () => {
    const t = await i18next.createInstance().init({
      lng: 'vi',
      resources: { vi: { common: viCommon }, en: { common: enCommon } },
      defaultNS: 'common',
      interpolation: { escapeValue: false },
    })
    const labels = new Map([
      ['customer_name', 'Tên khách hàng'],
      ['problem_summary', 'Tóm tắt vấn đề'],
    ])
    expect(
      problemText({ code: 'missing_fields', params: { missing: 'customer_name, problem_summary' } }, t, {
        labels,
      }),
    ).toBe('Cần điền trước: Tên khách hàng, Tóm tắt vấn đề.')
    expect(problemText({ code: 'forbidden', params: { role: 'agent', roles: 'owner' } }, t)).toBe(
      'Vai trò của bạn (nhân viên) không được làm việc này; cần: chủ quy trình.',
    )
    expect(problemText({ code: 'not_found', params: { kind: 'ticket', id: 't_1' } }, t)).toBe(
      'Phiếu “t_1” không tồn tại.',
    )
    // A time is written the reader's way, not as the server's ISO string.
    const expired = problemText(
      { code: 'survey_expired', params: { expiresAt: '2026-03-05T14:30:00.000Z' } },
      t,
    )
    expect(expired).not.toContain('2026-03-05T')
    expect(expired).toContain(
      new Intl.DateTimeFormat('vi', { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date('2026-03-05T14:30:00.000Z'),
      ),
    )
    // A code this version does not know yet falls back to the server's own words.
    expect(problemText({ code: 'brand_new', detail: 'Server words' }, t)).toBe('Server words')
  })
})
