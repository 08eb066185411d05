/** An ISO-8601 duration ("PT4H", "P2D", "PT1H30M") in the reader's language ("4 h", "2 d"). */
export function formatDuration(iso: string | undefined, language: string): string {
  if (!iso) return ''
  const m =
    /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      iso,
    )
  if (!m || iso === 'P' || iso.endsWith('T')) return iso
  const units = ['week', 'day', 'hour', 'minute', 'second'] as const
  const parts: string[] = []
  units.forEach((unit, i) => {
    const value = m[i + 1]
    if (value === undefined) return
    parts.push(
      new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short' }).format(Number(value)),
    )
  })
  return parts.join(' ') || iso
}
