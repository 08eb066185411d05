import type { TFunction } from 'i18next'
import type { Diagnostic } from '../../../engine/index.ts'
import { fieldLabel, stepTitle, transitionName } from './names.ts'
import { policyText } from './time/policyDiagnostic.ts'
import type { Doc } from './useDesigner.ts'

/**
 * A diagnostic in the reader's language: the engine gives ids, the reader sees titles, labels and
 * the names of the properties concerned.
 */
export function diagnosticText(t: TFunction, p: Diagnostic, doc: Doc): string {
  const policy = policyText(t, p, doc)
  if (policy) return policy
  const params = p.params ?? {}
  const where = p.stepId
    ? stepTitle(doc, p.stepId)
    : p.transitionId
      ? transitionName(doc, p.transitionId)
      : params.field
        ? fieldLabel(doc, params.field)
        : t('diagnostics.sop')
  const property = p.property
    ? t(`diagnostics.properties.${p.property.replace(/\.\d+(?=\.|$)/g, '')}`, {
        defaultValue: p.property,
      })
    : ''
  return t(`diagnostics.codes.${p.code}`, {
    ...params,
    context: p.variant,
    defaultValue: p.message,
    where,
    property,
    step: stepTitle(doc, params.step),
    target: stepTitle(doc, params.target) || params.value,
    parent: stepTitle(doc, params.parent),
    initial: stepTitle(doc, params.initial),
    transition: transitionName(doc, params.transition),
    field: fieldLabel(doc, params.field),
    kind: params.kind ? t(`kinds.${params.kind}.name`, { defaultValue: params.kind }) : '',
  })
}
