import { useTranslation } from 'react-i18next'
import type { Designer } from './useDesigner.ts'
import { useRevealProblem } from './useRevealProblem.ts'

/** Publish; while the SOP has errors it is disabled and says why, with a way to the first error. */
export function PublishButton({
  d,
  onPublish,
  onReveal,
}: {
  d: Designer
  onPublish: () => void
  onReveal: () => void
}) {
  const { t } = useTranslation('designer')
  const reveal = useRevealProblem(d)
  const errors = d.problems.filter((p) => p.severity === 'error')
  return (
    <span className="publish">
      <button
        type="button"
        className="primary"
        onClick={onPublish}
        disabled={errors.length > 0}
        aria-describedby={errors.length ? 'publish-blocked' : undefined}
      >
        {t('toolbar.publish')}
      </button>
      {errors.length > 0 && (
        <span id="publish-blocked" className="small error" data-testid="publish-blocked">
          {t('save.publish.blocked', { count: errors.length })}{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              onReveal()
              reveal(errors[0])
            }}
          >
            {t('save.publish.showFirst')}
          </button>
        </span>
      )}
    </span>
  )
}
