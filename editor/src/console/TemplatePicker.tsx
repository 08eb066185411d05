import { useTranslation } from 'react-i18next'
import type { FilledTemplate } from '../api/tickets.ts'

/** A choice of the SOP's reply templates, filled in; picking one hands its text over to edit. */
export function TemplatePicker({
  templates,
  name,
  onPick,
}: {
  templates: readonly FilledTemplate[]
  name: string
  onPick: (text: string) => void
}) {
  const { t } = useTranslation('console')
  if (!templates.length) return null
  return (
    <select
      name={name}
      aria-label={t('notes.replyTemplate')}
      value=""
      onChange={(e) => {
        const picked = templates.find((x) => x.id === e.target.value)
        if (picked) onPick(picked.text)
      }}
    >
      <option value="">{t('notes.replyTemplate')}</option>
      {templates.map((x) => (
        <option key={x.id} value={x.id}>
          {x.title}
        </option>
      ))}
    </select>
  )
}
