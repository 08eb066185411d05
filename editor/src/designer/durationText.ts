const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const UNITS = ['week', 'day', 'hour', 'minute', 'second'] as const

/** An ISO-8601 duration as a person says it, in their language ("P2D" → "2 days", "2 ngày", "2 dny"). */
export function durationText(iso: string, language: string): string {
  const m = ISO.exec(iso)
  if (!m) return iso
  const parts = UNITS.flatMap((unit, i) => {
    const n = m[i + 1] === undefined ? 0 : Number(m[i + 1])
    return n ? [new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long' }).format(n)] : []
  })
  if (!parts.length) return iso
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(parts)
}
