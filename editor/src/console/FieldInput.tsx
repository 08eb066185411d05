import { memo } from 'react'
import type { FieldValue } from '../../../engine/index.ts'

/** The input for one ticket field, by its type. */
function FieldInputView(props: {
  name: string
  type: string
  options?: { value: string; label: string }[]
  value: FieldValue
  disabled: boolean
  onChange: (v: FieldValue) => void
}) {
  const { type, value, onChange } = props
  const common = { name: `field-${props.name}`, disabled: props.disabled }
  if (type === 'choice')
    return (
      <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {props.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    )
  if (type === 'boolean')
    return (
      <select
        {...common}
        value={value === true ? 'true' : value === false ? 'false' : ''}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value === 'true')}
      >
        <option value="">—</option>
        <option value="true">✓</option>
        <option value="false">✗</option>
      </select>
    )
  if (type === 'longtext')
    return (
      <textarea {...common} rows={3} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
    )
  if (type === 'number')
    return (
      <input
        {...common}
        type="number"
        value={value === null || value === '' ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    )
  const htmlType = type === 'email' ? 'email' : type === 'phone' ? 'tel' : type === 'date' ? 'date' : 'text'
  return (
    <input
      {...common}
      type={htmlType}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}

export const FieldInput = memo(FieldInputView)
