import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DIAGNOSTIC_CODES } from '../../engine/index.ts'
import { PROBLEM_CODES } from '../../server/http/problem.ts'

const root = join(import.meta.dirname, '..', '..')
const LANGS = ['en', 'vi', 'cs'] as const
const NAMESPACES = ['admin', 'calendars', 'common', 'console', 'designer', 'insight'] as const
type Lang = (typeof LANGS)[number]
type Tree = { [k: string]: string | Tree }

const load = (lang: Lang, ns: string): Tree =>
  JSON.parse(readFileSync(join(root, 'editor', 'src', 'locales', lang, `${ns}.json`), 'utf8'))
const entries = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : entries(v, `${prefix}${k}.`),
  )
/** A key without its plural suffix: languages need different plural forms of one text. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '')
const texts = Object.fromEntries(
  LANGS.map((lang) => [
    lang,
    Object.fromEntries(
      NAMESPACES.map((ns) => [ns, new Map(entries(load(lang, ns)).map(([k, v]) => [k, v]))]),
    ),
  ]),
) as Record<Lang, Record<string, Map<string, string>>>
const has = (lang: Lang, ns: string, key: string) => {
  const m = texts[lang][ns]
  return !!m && (m.has(key) || [...m.keys()].some((k) => base(k) === key))
}

/**
 * Texts a translation rightly leaves as they are in English, each with the reason. Anything else
 * equal to its English text is an untranslated string.
 */
const SAME_IN: Record<'vi' | 'cs', Record<string, string>> = {
  vi: {
    sopflow: 'the product’s name',
    SOP: 'the abbreviation the product uses in every language',
    SLA: 'the abbreviation used as is in Vietnamese support work',
    FRT: 'a metric’s abbreviation, defined in the README',
    ATHT: 'a metric’s abbreviation, defined in the README',
    FCR: 'a metric’s abbreviation, defined in the README',
    CSAT: 'a metric’s abbreviation, defined in the README',
    NPS: 'a metric’s abbreviation, defined in the README',
    CES: 'a metric’s abbreviation, defined in the README',
    CTRV: 'a metric’s abbreviation, defined in the README',
    SMS: 'the channel’s name in Vietnamese too',
    'E-mail': 'the word Vietnamese uses',
    Chat: 'the channel’s name in Vietnamese support desks',
    Webhook: 'the technical term, used as is in Vietnamese',
  },
  cs: {
    sopflow: 'the product’s name',
    SOP: 'the abbreviation the product uses in every language',
    SLA: 'the abbreviation used as is in Czech support work',
    FRT: 'a metric’s abbreviation, defined in the README',
    ATHT: 'a metric’s abbreviation, defined in the README',
    FCR: 'a metric’s abbreviation, defined in the README',
    CSAT: 'a metric’s abbreviation, defined in the README',
    NPS: 'a metric’s abbreviation, defined in the README',
    CES: 'a metric’s abbreviation, defined in the README',
    CTRV: 'a metric’s abbreviation, defined in the README',
    SMS: 'the channel’s name in Czech too',
    'E-mail': 'the Czech spelling',
    Chat: 'the channel’s name in Czech',
    Audit: 'the Czech word (audit)',
    auditor: 'the Czech word (auditor)',
    Auditor: 'the Czech word (auditor)',
    Text: 'the Czech word (text)',
    Segment: 'the Czech word (segment)',
    role: 'the Czech plural of role',
    Role: 'the Czech word (role)',
    Webhook: 'the technical term, used as is in Czech',
    '{{count}} min': 'the Czech abbreviation of minuta',
  },
}
/** A text with no word of two letters once its placeholders are out (`n = {{count}}`, `{{a}} → {{b}}`). */
const wordless = (text: string) => !/\p{L}{2}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''))
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort()

/** Every literal key the web app looks up (`t('…')`), with the namespaces its file uses. */
function keysInSource(): { file: string; ns: string[]; key: string }[] {
  const found: { file: string; ns: string[]; key: string }[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name)
      if (e.isDirectory()) walk(path)
      else if (/\.tsx?$/.test(e.name)) {
        const source = readFileSync(path, 'utf8')
        const ns = new Set(['common'])
        for (const m of source.matchAll(/useTranslation\(([^)]*)\)|getFixedT\([^,]+,\s*([^)]*)\)/g))
          for (const n of (m[1] ?? m[2] ?? '').matchAll(/'(\w+)'/g)) ns.add(n[1])
        // A helper that is handed its `t` may be handed any namespace's.
        if (!/useTranslation|getFixedT/.test(source)) for (const n of NAMESPACES) ns.add(n)
        for (const m of source.matchAll(/\bt\(\s*'([^']+)'/g))
          found.push({ file: path.slice(root.length + 1), ns: [...ns], key: m[1] })
      }
    }
  }
  walk(join(root, 'editor', 'src'))
  return found
}

describe('the translations', () => {
  it('have every key in every language, and no key English lacks', () => {
    for (const ns of NAMESPACES) {
      const english = new Set([...texts.en[ns].keys()].map(base))
      for (const lang of ['vi', 'cs'] as const) {
        const other = new Set([...texts[lang][ns].keys()].map(base))
        expect(
          [...english].filter((k) => !other.has(k)),
          `${lang}/${ns}.json lacks`,
        ).toEqual([])
        expect(
          [...other].filter((k) => !english.has(k)),
          `${lang}/${ns}.json has, but en does not`,
        ).toEqual([])
      }
    }
  })

  it('are Vietnamese and Czech, not the English text, except the allowed words', () => {
    const untranslated: string[] = []
    const allowedUsed = new Set<string>()
    for (const ns of NAMESPACES)
      for (const lang of ['vi', 'cs'] as const)
        for (const [key, text] of texts[lang][ns]) {
          expect(text.trim(), `${lang} ${ns}:${key} is empty`).not.toBe('')
          const english = texts.en[ns].get(key) ?? texts.en[ns].get(`${base(key)}_other`)
          if (text !== english || wordless(text)) continue
          if (text in SAME_IN[lang]) allowedUsed.add(`${lang}:${text}`)
          else untranslated.push(`${lang} ${ns}:${key} = ${JSON.stringify(text)}`)
        }
    expect(untranslated).toEqual([])
    // The allow-list holds only words in use, so it cannot quietly grow into a hiding place.
    const listed = (['vi', 'cs'] as const).flatMap((l) => Object.keys(SAME_IN[l]).map((w) => `${l}:${w}`))
    expect(listed.filter((w) => !allowedUsed.has(w))).toEqual([])
  })

  it('keep the placeholders of the English text', () => {
    for (const ns of NAMESPACES)
      for (const lang of ['vi', 'cs'] as const)
        for (const [key, text] of texts[lang][ns]) {
          const english = texts.en[ns].get(key) ?? texts.en[ns].get(`${base(key)}_other`) ?? ''
          // A plural form may say "one" in words instead of {{count}}.
          const want = placeholders(english).filter((p) => p !== 'count' || text.includes('{{count}}'))
          expect(placeholders(text), `${lang} ${ns}:${key}`).toEqual(want)
        }
  })

  it('give every counted text each plural form its language needs (vi: other; cs: one, few, other)', () => {
    const needs = { vi: ['other'], cs: ['one', 'few', 'other'] }
    const lacking: string[] = []
    let counted = 0
    for (const ns of NAMESPACES)
      for (const k of new Set([...texts.en[ns].keys()].filter((k) => /_one$/.test(k)).map(base))) {
        counted++
        for (const lang of ['vi', 'cs'] as const)
          for (const form of needs[lang])
            if (!texts[lang][ns].has(`${k}_${form}`)) lacking.push(`${lang} ${ns}:${k}_${form}`)
      }
    expect(counted).toBeGreaterThanOrEqual(10)
    expect(lacking).toEqual([])
  })

  it('cover every key the web app looks up, in all three languages', () => {
    const keys = keysInSource()
    expect(keys.length).toBeGreaterThan(300)
    const missing: string[] = []
    for (const { file, ns, key } of keys) {
      const [n, k] = key.includes(':') ? [[key.split(':')[0]], key.split(':')[1]] : [ns, key]
      for (const lang of LANGS) if (!n.some((x) => has(lang, x, k))) missing.push(`${lang}: ${key} (${file})`)
    }
    expect(missing).toEqual([])
  })

  it('word every diagnostic code and every problem code in all three languages', () => {
    const codes = Object.entries(DIAGNOSTIC_CODES).flatMap(([c, variants]) => [
      c,
      ...(variants as readonly string[]).map((v) => `${c}_${v}`),
    ])
    expect(codes.length).toBeGreaterThan(40)
    expect(PROBLEM_CODES.length).toBeGreaterThan(25)
    for (const lang of LANGS) {
      expect(
        codes.filter((c) => !texts[lang].designer.get(`diagnostics.codes.${c}`)?.trim()),
        `${lang} diagnostics`,
      ).toEqual([])
      expect(
        PROBLEM_CODES.filter((c) => !texts[lang].common.get(`problems.${c}`)?.trim()),
        `${lang} problems`,
      ).toEqual([])
    }
  })
})
