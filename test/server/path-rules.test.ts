import { describe, expect, it } from 'vitest'
import { decodePath } from '../../server/http/path.ts'
import { Problem } from '../../server/http/problem.ts'

describe('decoding a URL path', () => {
  it('decodes percent-escapes, UTF-8 ones included, and leaves a plain path as it is', () => {
    expect(decodePath('/api/sops/support%20ticket')).toBe('/api/sops/support ticket')
    expect(decodePath('/api/customers/Z%C3%BCrich')).toBe('/api/customers/Zürich')
    expect(decodePath('/api/tickets/t_1')).toBe('/api/tickets/t_1')
  })

  it('refuses a malformed escape or invalid UTF-8 with a 400 naming the path', () => {
    for (const path of ['/api/x%', '/api/x%zz', '/api/%C3']) {
      let caught: unknown = null
      try {
        decodePath(path)
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(Problem)
      expect(caught).toMatchObject({
        status: 400,
        code: 'malformed_path',
        message: `The URL path "${path}" has a malformed percent-encoding (each % must start a valid UTF-8 escape such as %20)`,
        extra: { path },
      })
    }
  })
})
