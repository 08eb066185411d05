import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { diagnosticText } from '../../editor/src/designer/diagnosticText.ts'
import type { Doc } from '../../editor/src/designer/useDesigner.ts'
import i18n from '../../editor/src/i18n.ts'
import cs from '../../editor/src/locales/cs/designer.json'
import en from '../../editor/src/locales/en/designer.json'
import vi from '../../editor/src/locales/vi/designer.json'
import { DIAGNOSTIC_CODES, validate } from '../../engine/index.ts'
import { sampleSop } from '../engine/fixtures.ts'

const engineDir = join(import.meta.dirname, '..', '..', 'engine')
/** Codes the engine's source passes to its diagnostics collector or returns for a schema issue. */
function codesInSource(): Set<string> {
  const found = new Set<string>()
  for (const file of readdirSync(engineDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(engineDir, file), 'utf8')
    for (const m of text.matchAll(/\.(?:error|warn)\(\s*'([a-z_]+)'/g)) found.add(m[1])
    for (const m of text.matchAll(/return '([a-z_]+)'\s*$/gm))
      if (file === 'validateSchema.ts') found.add(m[1])
  }
  return found
}

describe('diagnostic texts', () => {
  const codes = Object.keys(DIAGNOSTIC_CODES) as (keyof typeof DIAGNOSTIC_CODES)[]

  it('lists every code the engine emits', () => {
    const emitted = codesInSource()
    expect(emitted.size).toBeGreaterThan(30)
    expect([...emitted].filter((c) => !codes.includes(c as never))).toEqual([])
  })

  for (const [lang, texts] of Object.entries({ en, vi, cs })) {
    it(`has a text for every code and wording in ${lang}`, () => {
      const table = texts.diagnostics.codes as Record<string, string>
      const keys = codes.flatMap((c) => [c, ...DIAGNOSTIC_CODES[c].map((v) => `${c}_${v}`)])
      expect(keys.filter((k) => !table[k]?.trim())).toEqual([])
    })
  }

  it("names steps, transitions and fields by title and label, in the reader's language", async () => {
    const doc = sampleSop()
    doc.transitions.find((t) => t.id === 't_company')!.guard = 'ticket.fault == "p9"'
    doc.steps.find((s) => s.id === 'intake')!.sla = { due: '4 hours', escalateTo: 'manager' }
    delete doc.steps.find((s) => s.id === 'resolved')!.outcome
    const problems = validate(doc).diagnostics
    await i18n.changeLanguage('vi')
    const t = i18n.getFixedT('vi', 'designer')
    const texts = problems.map((p) => diagnosticText(t, p, doc as unknown as Doc))
    expect(texts).toContain(
      'Take the complaint: thời hạn SLA "4 hours" không phải khoảng thời gian như PT2H (2 giờ) hay P1D (1 ngày)',
    )
    expect(texts).toContain('Bước kết thúc "Resolved" cần có kết quả')
    expect(texts.find((x) => x.includes('p9'))).toBe(
      'Điều kiện của "Who is at fault? → Replace and notify" so sánh "Who is at fault" với "p9", giá trị không nằm trong các lựa chọn (company, customer)',
    )
    for (const x of texts) expect(x).not.toMatch(/\b(intake|resolved|t_company)\b/)
    await i18n.changeLanguage('en')
  })
})
