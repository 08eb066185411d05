import type { AskedField } from '../api/channels.ts'

const INPUT_TYPES: Record<string, string> = { number: 'number', date: 'date', email: 'email', phone: 'tel' }

/**
 * One SOP field a form asks of the customer, as the input its type calls for: a list of the
 * choices, a number, a date, a yes/no box, or text. Values stay text; the server types them.
 */
export function AskedFieldInput(props: { field: AskedField; value: string; onChange: (v: string) => void }) {
  const { field, value, onChange } = props
  const name = `field-${field.name}`
  if (field.type === 'boolean')
    return (
      <label className="inline">
        <input
          type="checkbox"
          name={name}
          checked={value === 'true'}
          onChange={(e) => onChange(e.target.checked ? 'true' : '')}
        />{' '}
        {field.label}
      </label>
    )
  return (
    <label>
      {field.label}
      {field.type === 'choice' ? (
        <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.type === 'longtext' ? (
        <textarea name={name} rows={3} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          name={name}
          type={INPUT_TYPES[field.type] ?? 'text'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </label>
  )
}
