import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { durationText } from '../durationText.ts'
import { useKnownRoles } from '../inspector/useKnownRoles.ts'
import type { Designer } from '../useDesigner.ts'
import { PolicyTargetCard } from './PolicyTargetCard.tsx'
import {
  addTarget,
  channelsNamed,
  METRICS,
  moveUp,
  type PolicyTarget,
  PRIORITIES,
  policyOf,
  removeTarget,
  targetFor,
  targetsOf,
  updateTarget,
} from './policy.ts'
import { targetIssues } from './timeIssues.ts'

const ALL_CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms']

/**
 * The SOP's ticket-level SLA policy: an overview of which target counts per metric and priority,
 * then each metric's targets as forms. Every edit is one change of the document (one undo step).
 */
export function PolicyEditor({ d }: { d: Designer }) {
  const { t, i18n } = useTranslation('designer')
  const roles = useKnownRoles(d.doc)
  const edits = useRef(0)
  const targets = targetsOf(d.doc)
  const sopCalendar = typeof d.doc.calendar === 'string' ? d.doc.calendar : undefined
  // What is typed into one field makes one undo step; every other edit (a choice, a tick, a
  // button) is an undo step of its own, wherever the focus is.
  const write = (next: PolicyTarget[], typed = false) =>
    typed
      ? d.setMeta({ policy: policyOf(next) })
      : d.setMeta({ policy: policyOf(next) }, `policy:${++edits.current}`)
  const change = (index: number, patch: Partial<PolicyTarget>, typed?: boolean) =>
    write(updateTarget(targets, index, patch), typed)
  const channels = d.doc.channels?.length ? d.doc.channels : ALL_CHANNELS
  const cell = (i: number) => {
    const x = targets[i]
    if (!x) return '—'
    const due = durationText(x.due, i18n.language)
    return x.time === 'business' ? t('time.businessShort', { due }) : due
  }
  return (
    <fieldset className="policy-editor" data-testid="policy-editor">
      <legend>{t('time.policy')}</legend>
      <p className="muted small">{t('time.policyHint')}</p>
      {targets.length > 0 && (
        <div className="policy-matrix-wrap">
          <table className="policy-matrix" data-testid="policy-matrix">
            <caption className="small">{t('time.matrix')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('time.metric')}</th>
                {PRIORITIES.map((p) => (
                  <th key={p} scope="col">
                    {t(`time.priority.${p}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {METRICS.flatMap((m) => [
                <tr key={m}>
                  <th scope="row">{t(`time.metrics.${m}`)}</th>
                  {PRIORITIES.map((p) => (
                    <td key={p}>{cell(targetFor(targets, m, p))}</td>
                  ))}
                </tr>,
                ...channelsNamed(targets, m).map((c) => (
                  <tr key={`${m}-${c}`} className="channel-row" data-channel={c}>
                    <th scope="row">{t('time.onChannel', { metric: t(`time.metrics.${m}`), channel: c })}</th>
                    {PRIORITIES.map((p) => (
                      <td key={p}>{cell(targetFor(targets, m, p, c))}</td>
                    ))}
                  </tr>
                )),
              ])}
            </tbody>
          </table>
        </div>
      )}
      {METRICS.map((m) => {
        const mine = targets.flatMap((x, i) => (x.metric === m ? [i] : []))
        return (
          <section key={m} className="policy-metric" data-metric={m}>
            <h4>{t(`time.metrics.${m}`)}</h4>
            {mine.map((i, k) => (
              <PolicyTargetCard
                key={`${m}-${k}`}
                target={targets[i]}
                index={i}
                n={k + 1}
                steps={d.doc.steps}
                roles={roles.roles}
                channels={channels}
                sopCalendar={sopCalendar}
                issues={targetIssues(t, d.problems, d.doc, targets[i], i)}
                canMoveUp={k > 0}
                onChange={change}
                onMoveUp={(index) => write(moveUp(targets, index))}
                onRemove={(index) => write(removeTarget(targets, index))}
              />
            ))}
            <div className="row wrap">
              <button type="button" name={`policy-add-${m}`} onClick={() => write(addTarget(targets, m))}>
                + {t('time.addTarget')}
              </button>
              <button
                type="button"
                name={`policy-add-channel-${m}`}
                onClick={() => write(addTarget(targets, m, [channels[0]]))}
              >
                + {t('time.addChannelTarget')}
              </button>
            </div>
          </section>
        )
      })}
    </fieldset>
  )
}
