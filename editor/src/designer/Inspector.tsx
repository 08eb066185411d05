import './inspector/inspector.css'
import { StepForm } from './inspector/StepForm.tsx'
import { TransitionForm } from './inspector/TransitionForm.tsx'
import { SopPanel } from './SopPanel.tsx'
import type { Designer } from './useDesigner.ts'

/** Edits the selected step or transition; with nothing selected, the SOP itself. */
export function Inspector({ d }: { d: Designer }) {
  const sel = d.selection
  if (sel?.kind === 'step' && sel.ids.length === 1) {
    const step = d.doc.steps.find((s) => s.id === sel.ids[0])
    if (step) return <StepForm key={`s${d.doc.steps.indexOf(step)}`} d={d} step={step} />
  }
  if (sel?.kind === 'transition' && sel.ids.length === 1) {
    const t = d.doc.transitions.find((x) => x.id === sel.ids[0])
    if (t) return <TransitionForm key={`t${d.doc.transitions.indexOf(t)}`} d={d} t={t} />
  }
  return <SopPanel d={d} />
}
