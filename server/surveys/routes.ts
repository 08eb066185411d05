import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../auth/identity.ts'
import { jsonBody, parse } from '../http/problem.ts'
import type { Op } from '../openapi/operations.ts'
import type { SurveyService } from './service.ts'

/** A customer's answer on the public survey page. */
export const surveyAnswerSchema = z
  .object({
    csat: z.number().int().min(1).max(5).nullish(),
    nps: z.number().int().min(0).max(10).nullish(),
    ces: z.number().int().min(1).max(7).nullish(),
    comment: z.string().max(2000).nullish(),
  })
  .strict()

/** The public survey page's routes: no account, the link's token is the key. */
export function publicSurveyRoutes(surveys: SurveyService) {
  const app = new Hono<AppEnv>()
  app.get('/:token', async (c) => c.json(await surveys.view(c.req.param('token'))))
  app.post('/:token', async (c) => {
    const body = parse(surveyAnswerSchema, await jsonBody(c))
    const s = await surveys.answer(c.req.param('token'), body)
    return c.json({ id: s.id, at: s.at }, 201)
  })
  return app
}

export const surveyOps: Op[] = [
  {
    method: 'get',
    path: '/api/public/surveys/{token}',
    summary: 'A survey invitation, as its public page shows it',
    tag: 'Surveys',
    notes:
      'No account: the token from the invitation link is the key. 404 `survey_link_invalid` for an unknown or altered link, 410 `survey_expired` after the link expired. `answered` tells whether it was answered already.',
  },
  {
    method: 'post',
    path: '/api/public/surveys/{token}',
    summary: "The customer's answer to a survey invitation",
    tag: 'Surveys',
    body: surveyAnswerSchema,
    notes:
      "One answer per invitation: a second is 409 `survey_answered` and changes nothing. The answer is stored on the customer's record and recorded in the ticket's audit chain (and announced to `survey.answered` webhooks) before the reply.",
    responses: {
      '409': 'survey_answered: this invitation was already answered',
      '410': 'survey_expired: the link expired',
    },
  },
]
