/** Date presets of the dashboard, in the reader's local time; `to` is exclusive. */
export const PRESETS = ['today', 'days7', 'days30', 'month', 'allTime'] as const
export type Preset = (typeof PRESETS)[number] | 'custom'

const DAY = 86_400_000

function midnight(d: Date, plusDays = 0): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + plusDays)
}

/** The period of a preset at `now`, or of custom dates (yyyy-mm-dd, both ends included). */
export function periodOf(
  preset: Preset,
  now: Date,
  custom: { from: string; to: string } = { from: '', to: '' },
): { from: string; to: string } | null {
  const tomorrow = midnight(now, 1)
  switch (preset) {
    case 'today':
      return { from: midnight(now).toISOString(), to: tomorrow.toISOString() }
    case 'days7':
      return { from: midnight(now, -6).toISOString(), to: tomorrow.toISOString() }
    case 'days30':
      return { from: midnight(now, -29).toISOString(), to: tomorrow.toISOString() }
    case 'month':
      return {
        from: new Date(now.getFullYear(), now.getMonth(), 1).toISOString(),
        to: tomorrow.toISOString(),
      }
    case 'allTime':
      return null
    case 'custom': {
      if (!custom.from || !custom.to) return null
      const [fy, fm, fd] = custom.from.split('-').map(Number)
      const [ty, tm, td] = custom.to.split('-').map(Number)
      return { from: new Date(fy, fm - 1, fd).toISOString(), to: new Date(ty, tm - 1, td + 1).toISOString() }
    }
  }
}

/** The length of a period in whole days (for "vs previous 7 d"). */
export function daysOf(period: { from: string | null; to: string | null }): number {
  if (!period.from || !period.to) return 0
  return Math.max(1, Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY))
}
