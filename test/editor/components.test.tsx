import { ReactFlowProvider } from '@xyflow/react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { HelpDialog } from '../../editor/src/designer/HelpDialog.tsx'
import { SHORTCUTS } from '../../editor/src/designer/useShortcuts.ts'
import { StepNode } from '../../editor/src/flow/StepNode.tsx'
import type { StepData } from '../../editor/src/flow/toFlow.ts'
import i18n, { LANGUAGES } from '../../editor/src/i18n.ts'
import csCommon from '../../editor/src/locales/cs/common.json'
import csConsole from '../../editor/src/locales/cs/console.json'
import csDesigner from '../../editor/src/locales/cs/designer.json'
import enCommon from '../../editor/src/locales/en/common.json'
import enConsole from '../../editor/src/locales/en/console.json'
import enDesigner from '../../editor/src/locales/en/designer.json'
import viCommon from '../../editor/src/locales/vi/common.json'
import viConsole from '../../editor/src/locales/vi/console.json'
import viDesigner from '../../editor/src/locales/vi/designer.json'

type Tree = { [key: string]: string | Tree }

/** Every key of a translation tree, with its text. */
function entries(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : entries(v, `${prefix}${k}.`),
  )
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort()

describe('translations', () => {
  const sets = {
    common: { en: enCommon, vi: viCommon, cs: csCommon },
    console: { en: enConsole, vi: viConsole, cs: csConsole },
    designer: { en: enDesigner, vi: viDesigner, cs: csDesigner },
  }
  for (const [ns, byLang] of Object.entries(sets)) {
    it(`has every ${ns} text in Vietnamese and Czech, with the same placeholders`, () => {
      const en = new Map(entries(byLang.en as Tree))
      for (const lang of ['vi', 'cs'] as const) {
        const other = new Map(entries(byLang[lang] as Tree))
        // Plural forms differ by language (Czech has more); compare the keys without their suffix.
        const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '')
        const missing = [...en.keys()].filter(
          (k) => !other.has(k) && ![...other.keys()].some((o) => base(o) === base(k)),
        )
        expect(missing, `${lang}/${ns}.json lacks`).toEqual([])
        for (const [k, text] of other) {
          expect(text.trim(), `${lang}/${ns}.json ${k} is empty`).not.toBe('')
          const source = en.get(k) ?? [...en.entries()].find(([e]) => base(e) === base(k))?.[1]
          if (source !== undefined)
            expect(placeholders(text), `${lang}/${ns}.json ${k}`).toEqual(placeholders(source))
        }
      }
    })
  }
})

describe('StepNode', () => {
  const render = (data: StepData, selected = false) =>
    renderToStaticMarkup(
      <ReactFlowProvider>
        <StepNode
          id="s1"
          type={data.kind}
          data={data}
          selected={selected}
          dragging={false}
          zIndex={0}
          isConnectable
          positionAbsoluteX={0}
          positionAbsoluteY={0}
          selectable
          deletable
          draggable
        />
      </ReactFlowProvider>,
    )

  it('shows its kind by shape, its title, SLA and outcome', () => {
    const task = render({ kind: 'task', title: 'Xác minh danh tính khách hàng', sla: 'PT2H' })
    expect(task).toContain('step-task')
    expect(task).toContain('Xác minh danh tính khách hàng')
    // The SLA reads as a duration in the reader's language, not as its ISO code.
    expect(task).toMatch(/⏱ 2\s(h|hr|giờ)/u)
    expect(task).toContain('react-flow__handle-bottom')
    const end = render({ kind: 'end', title: 'Vyřešeno', outcome: 'resolved' })
    expect(end).toContain('step-end')
    expect(end).toContain('resolved')
    // An end step has no way out.
    expect(end).not.toContain('react-flow__handle-bottom')
  })

  it('marks invalid, active, selected and initial steps', () => {
    const html = render(
      { kind: 'decision', title: 'Who is at fault?', invalid: true, active: true, initial: true },
      true,
    )
    for (const c of ['step-decision', 'is-invalid', 'is-active', 'is-selected', 'is-initial'])
      expect(html).toContain(c)
  })

  it('colours a step by its heat', () => {
    expect(render({ kind: 'task', title: 'Hot', heat: 1 })).toContain('--step-fill:hsl(0 75% 70%)')
    expect(render({ kind: 'task', title: 'Cool', heat: 0 })).toContain('--step-fill:hsl(120 75% 88%)')
  })
})

describe('HelpDialog', () => {
  for (const { code } of LANGUAGES) {
    it(`lists every shortcut with its meaning in ${code}`, async () => {
      await i18n.changeLanguage(code)
      const html = renderToStaticMarkup(<HelpDialog onClose={() => {}} />)
      for (const [keys, what] of SHORTCUTS) {
        expect(html).toContain(`<kbd>${keys}</kbd>`)
        expect(html).toContain(i18n.t(`designer:help.${what}`))
        expect(i18n.t(`designer:help.${what}`)).not.toBe(`help.${what}`)
      }
    })
  }
})
