import { useState } from 'react'
import { answerPublicSurvey, getPublicSurvey, type PublicSurvey } from '../api/surveys.ts'
import { useAsync } from '../ui/useAsync.ts'

type Failure = Error & {
  problem?: { code?: string; params?: Record<string, string | number>; detail?: string }
}

export const SCALES = { csat: [1, 5], nps: [0, 10], ces: [1, 7] } as const
export type Scale = keyof typeof SCALES

/** The customer's survey page: the scores and comment they give stay until the answer is accepted. */
export function useSurveyPage(token: string) {
  const invitation = useAsync<PublicSurvey>(() => getPublicSurvey(token), [token])
  const [scores, setScores] = useState<Record<Scale, number | null>>({ csat: null, nps: null, ces: null })
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [done, setDone] = useState(false)
  const send = async () => {
    setBusy(true)
    setFailure(null)
    try {
      await answerPublicSurvey(token, { ...scores, comment: comment.trim() || null })
      setDone(true)
    } catch (err) {
      setFailure(err as Failure)
    } finally {
      setBusy(false)
    }
  }
  const score = (k: Scale, v: number) => setScores((s) => ({ ...s, [k]: v }))
  return { invitation, scores, score, comment, setComment, busy, failure, done, send }
}
