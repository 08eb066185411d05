/** A refused field's text, next to the field (inputs point at it with aria-describedby). */
export function FieldError({ field, text }: { field: string; text?: string }) {
  if (!text) return null
  return (
    <span className="cal-field-error error" role="alert" id={`err-${field}`} data-error-for={field}>
      {text}
    </span>
  )
}
