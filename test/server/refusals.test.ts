import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { onError } from '../../server/http/problem.ts'
import { RefusedError } from '../../server/storage/refused.ts'

/** How the API answers a commit the database refused. */
function answering(err: Error) {
  const app = new Hono()
  app.onError(onError(() => {}))
  app.post('/api/thing', () => {
    throw err
  })
  return app.request('/api/thing', { method: 'POST' })
}

describe('refused commits over HTTP', () => {
  it('answers a duplicate message or number with problem+json 409 naming the code and the ticket', async () => {
    for (const code of ['duplicate_message', 'duplicate_number'] as const) {
      const res = await answering(new RefusedError(code, 'refused', { id: 't_1' }))
      expect(res.status).toBe(409)
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(await res.json()).toMatchObject({ status: 409, code, params: { id: 't_1' } })
    }
  })

  it('answers any other refusal as an internal error, without the database message', async () => {
    const res = await answering(
      new RefusedError('storage_error', 'FOREIGN KEY constraint failed', { id: 't_1' }),
    )
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body.code).toBe('internal_error')
    expect(JSON.stringify(body)).not.toContain('FOREIGN KEY')
  })
})
