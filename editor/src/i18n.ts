import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import csAdmin from './locales/cs/admin.json'
import csCalendars from './locales/cs/calendars.json'
import csCommon from './locales/cs/common.json'
import csConsole from './locales/cs/console.json'
import csDesigner from './locales/cs/designer.json'
import csInsight from './locales/cs/insight.json'
import enAdmin from './locales/en/admin.json'
import enCalendars from './locales/en/calendars.json'
import enCommon from './locales/en/common.json'
import enConsole from './locales/en/console.json'
import enDesigner from './locales/en/designer.json'
import enInsight from './locales/en/insight.json'
import viAdmin from './locales/vi/admin.json'
import viCalendars from './locales/vi/calendars.json'
import viCommon from './locales/vi/common.json'
import viConsole from './locales/vi/console.json'
import viDesigner from './locales/vi/designer.json'
import viInsight from './locales/vi/insight.json'

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'vi', label: 'Tiếng Việt' },
  { code: 'cs', label: 'Čeština' },
] as const

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('sopflow.lang') : null

i18next.use(initReactI18next).init({
  resources: {
    en: {
      admin: enAdmin,
      calendars: enCalendars,
      common: enCommon,
      designer: enDesigner,
      console: enConsole,
      insight: enInsight,
    },
    vi: {
      admin: viAdmin,
      calendars: viCalendars,
      common: viCommon,
      designer: viDesigner,
      console: viConsole,
      insight: viInsight,
    },
    cs: {
      admin: csAdmin,
      calendars: csCalendars,
      common: csCommon,
      designer: csDesigner,
      console: csConsole,
      insight: csInsight,
    },
  },
  lng: stored ?? 'en',
  fallbackLng: 'en',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
})

// The page says which language it is in, from the start and whenever the language changes.
const markLanguage = (code: string) => {
  if (typeof document !== 'undefined') document.documentElement.lang = code
}
markLanguage(i18next.language)
i18next.on('languageChanged', markLanguage)

export function setLanguage(code: string): void {
  localStorage.setItem('sopflow.lang', code)
  void i18next.changeLanguage(code)
  document.documentElement.lang = code
}

export default i18next
