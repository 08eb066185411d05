import { diffWords } from 'diff'
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { DocDiff, PartChange, PropertyChange } from './diff.ts'

/** A long text's difference, word by word: removed words struck through, added ones marked. */
const TextDiff = memo(function TextDiff({ before, after }: { before: string; after: string }) {
  return (
    <p className="text-diff" data-testid="text-diff">
      {diffWords(before, after).map((part, i) =>
        part.added ? (
          <ins key={i}>{part.value}</ins>
        ) : part.removed ? (
          <del key={i}>{part.value}</del>
        ) : (
          <span key={i}>{part.value}</span>
        ),
      )}
    </p>
  )
})

function Property({ c }: { c: PropertyChange }) {
  const { t } = useTranslation('designer')
  const what = t(`versions.properties.${c.property}`, { defaultValue: c.property })
  const value = (v: string | null) => (v !== null && c.property === 'kind' ? t(`kinds.${v}.name`) : v)
  if (c.text)
    return (
      <li data-property={c.property}>
        {t('versions.textChanged', { what })}
        <TextDiff before={c.before ?? ''} after={c.after ?? ''} />
      </li>
    )
  const text =
    c.before === null
      ? t('versions.propertyAdded', { what, value: value(c.after) })
      : c.after === null
        ? t('versions.propertyRemoved', { what, value: value(c.before) })
        : t('versions.propertyChanged', { what, before: value(c.before), after: value(c.after) })
  return <li data-property={c.property}>{text}</li>
}

function Part({ p, kind }: { p: PartChange; kind: 'step' | 'transition' }) {
  const { t } = useTranslation('designer')
  return (
    <li className={`diff-${p.change}`} data-testid={`diff-${kind}`} data-id={p.id}>
      <span className={`pill diff-badge diff-badge-${p.change}`}>{t(`versions.${p.change}`)}</span>{' '}
      {t(`versions.${kind}`)} <strong>{p.name}</strong>
      {p.changes.length > 0 && (
        <ul>
          {p.changes.map((c, i) => (
            <Property key={i} c={c} />
          ))}
        </ul>
      )}
    </li>
  )
}

/** The changes between two versions, property by property, by title. */
export const DiffList = memo(function DiffList({ diff }: { diff: DocDiff }) {
  const { t } = useTranslation('designer')
  if (!diff.steps.length && !diff.transitions.length && !diff.meta.length)
    return <p className="muted">{t('versions.same')}</p>
  return (
    <ul className="small diff-list">
      {diff.meta.length > 0 && (
        <li data-testid="diff-sop">
          <strong>{t('versions.sop')}</strong>
          <ul>
            {diff.meta.map((c, i) => (
              <Property key={i} c={c} />
            ))}
          </ul>
        </li>
      )}
      {diff.steps.map((p) => (
        <Part key={`s${p.id}`} p={p} kind="step" />
      ))}
      {diff.transitions.map((p) => (
        <Part key={`t${p.id}`} p={p} kind="transition" />
      ))}
    </ul>
  )
})
