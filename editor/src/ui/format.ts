import i18next from 'i18next'

/**
 * Human durations in the reader's language: 45 s, 12 min, 3 h 5 min, 2 d 4 h (vi: 3 giờ 5 phút).
 * The units come from common.json (`duration.*`); without translations, English abbreviations.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—'
  const neg = ms < 0
  let s = Math.round(Math.abs(ms) / 1000)
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const unit = (key: 'd' | 'h' | 'min' | 's', n: number) =>
    i18next.isInitialized
      ? i18next.t(`duration.${key}`, { ns: 'common', count: n, defaultValue: `${n} ${key}` })
      : `${n} ${key}`
  const text = d
    ? `${unit('d', d)} ${unit('h', h)}`
    : h
      ? `${unit('h', h)} ${unit('min', m)}`
      : m
        ? unit('min', m)
        : unit('s', s)
  return neg ? `−${text}` : text
}

export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${Math.round(x * 100)} %`
}
