import { publicRequest } from './channels.ts'

/** A survey invitation as its public page shows it. */
export interface PublicSurvey {
  language: string
  sopTitle: string
  ticketSubject: string
  expiresAt: string
  answered: boolean
}

export interface SurveyAnswerBody {
  csat: number | null
  nps: number | null
  ces: number | null
  comment: string | null
}

export const getPublicSurvey = (token: string) => publicRequest<PublicSurvey>('GET', `/surveys/${token}`)
export const answerPublicSurvey = (token: string, body: SurveyAnswerBody) =>
  publicRequest<{ id: string; at: string }>('POST', `/surveys/${token}`, body)
