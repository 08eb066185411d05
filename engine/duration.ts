const DURATION =
  /^P(?!$)(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/

/**
 * Milliseconds in an ISO-8601 duration of weeks, days, hours, minutes and seconds (PT2H, P1D,
 * P1DT4H30M). A day counts as 24 hours. Years and months are not accepted: their length varies.
 */
export function parseDuration(iso: string): number {
  let ms = parsed.get(iso)
  // Stryker disable next-line ConditionalExpression: parsing again gives the same number; the cache only saves time
  if (ms === undefined) {
    ms = parse(iso)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the cache is emptied changes memory, not the numbers
    if (parsed.size > 10_000) parsed.clear()
    parsed.set(iso, ms)
  }
  return ms
}

/** Durations already parsed: SOPs use a handful, over and over. */
const parsed = new Map<string, number>()

function parse(iso: string): number {
  const m = DURATION.exec(iso)
  if (!m) throw new RangeError(`"${iso}" is not an ISO-8601 duration such as PT2H or P1D`)
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)))
  return ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000
}

export function isDuration(iso: string): boolean {
  return DURATION.test(iso)
}

/** The ISO time `iso` after `time`. */
export function addDuration(time: string, iso: string): string {
  return new Date(Date.parse(time) + parseDuration(iso)).toISOString()
}
