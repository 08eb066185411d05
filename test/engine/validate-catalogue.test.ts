import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Diagnostic, validate } from '../../engine/index.ts'
import { sampleSop } from './fixtures.ts'
import { CASES } from './validate-catalogue.cases.ts'

/** What validate says of each case, beyond what it says of the sample (read and checked by hand). */
const EXPECTED: Record<string, Diagnostic[]> = JSON.parse(
  readFileSync(new URL('./validate-catalogue.expected.json', import.meta.url), 'utf8'),
)
const baseline = validate(sampleSop())
const seen = new Set(baseline.diagnostics.map((d) => JSON.stringify(d)))

describe('validate: each problem of a document, worded and placed', () => {
  it('finds nothing to say about the sample but its known warnings', () => {
    expect(baseline.valid).toBe(true)
    expect(baseline.diagnostics.every((d) => d.severity === 'warning')).toBe(true)
  })

  for (const [name, change] of CASES) {
    it(name, () => {
      const doc = sampleSop()
      change(doc)
      const result = validate(doc)
      const added = result.diagnostics.filter((d) => !seen.has(JSON.stringify(d)))
      expect(added).toStrictEqual(EXPECTED[name])
      expect(result.valid).toBe(!added.some((d) => d.severity === 'error'))
    })
  }
})
