import { describe, expect, it } from 'vitest'
import cs from '../../editor/src/locales/cs/admin.json'
import en from '../../editor/src/locales/en/admin.json'
import vi from '../../editor/src/locales/vi/admin.json'

type Tree = { [k: string]: string | Tree }
const entries = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : entries(v, `${prefix}${k}.`),
  )
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort()
/** Words spelt the same in the other language. */
const SAME = new Set(['Audit', 'E-mail'])
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '')

describe('the administration texts (users, tokens, admin log)', () => {
  it('exist in Vietnamese and Czech with the same placeholders, with the plural forms each language needs', () => {
    const source = new Map(entries(en as Tree).map(([k, v]) => [base(k), v]))
    const needs = { vi: ['other'], cs: ['one', 'few', 'other'] }
    for (const [lang, tree] of [
      ['vi', vi],
      ['cs', cs],
    ] as const) {
      const other = entries(tree as Tree)
      const keys = new Set(other.map(([k]) => base(k)))
      expect(
        [...source.keys()].filter((k) => !keys.has(k)),
        `${lang} lacks`,
      ).toEqual([])
      for (const [k, text] of other) {
        expect(text.trim(), `${lang} ${k}`).not.toBe('')
        expect(placeholders(text), `${lang} ${k}`).toEqual(placeholders(source.get(base(k)) ?? ''))
        if (
          text === source.get(base(k)) &&
          /[a-z]{4}/.test(text.replace(/\{\{\w+\}\}/g, '')) &&
          !SAME.has(text)
        )
          expect.fail(`${lang} ${k} is the English text`)
      }
      // Counted texts have every plural form of the language.
      const counted = [
        ...new Set(
          entries(en as Tree)
            .filter(([k]) => /_one$/.test(k))
            .map(([k]) => base(k)),
        ),
      ]
      for (const k of counted)
        for (const form of needs[lang])
          expect(
            other.some(([o]) => o === `${k}_${form}`),
            `${lang} ${k}_${form}`,
          ).toBe(true)
    }
  })
})
