import { describe, expect, it } from 'vitest'
import { formSubmission, RateLimiter, statusReply } from '../../server/channels/forms.ts'

describe('web form rate limit rules', () => {
  it('counts hits per key in a sliding window and says how many whole seconds to wait, at least one', () => {
    const l = new RateLimiter(2, 10_000)
    expect(l.take('ip:a', 0)).toBe(0)
    expect(l.take('ip:a', 4_000)).toBe(0)
    expect(l.take('ip:a', 5_000)).toBe(5)
    expect(l.take('ip:b', 5_000)).toBe(0)
    expect(l.take('ip:a', 9_999)).toBe(1)
    // The first hit leaves the window 10 s after it: one more is let in.
    expect(l.take('ip:a', 10_000)).toBe(0)
    expect(l.take('ip:a', 10_001)).toBe(4)
    // A refused hit is not counted.
    expect(l.take('ip:a', 14_000)).toBe(0)
  })

  it('rounds the wait up to whole seconds', () => {
    const l = new RateLimiter(1, 60_000)
    expect(l.take('k', 1_000)).toBe(0)
    expect(l.take('k', 1_500)).toBe(60)
    expect(l.take('k', 59_000)).toBe(2)
  })
})

describe('web form submission rules', () => {
  const ok = { name: ' Ann ', email: ' ann@example.com ', subject: ' Kettle ', message: ' Broken ' }

  it('trims the texts, drops empty contact fields and defaults the fields', () => {
    expect(formSubmission.parse({ ...ok, phone: '' })).toEqual({
      name: 'Ann',
      email: 'ann@example.com',
      subject: 'Kettle',
      message: 'Broken',
      fields: {},
    })
    expect(formSubmission.parse({ ...ok, email: '', phone: ' 0901 ' })).toMatchObject({
      phone: '0901',
      email: undefined,
    })
  })

  it('needs an e-mail address or a phone number, and refuses members the form lacks', () => {
    const none = formSubmission.safeParse({ ...ok, email: '' })
    expect(none.success).toBe(false)
    expect(none.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['email', 'give an e-mail address or a phone number'],
    ])
    expect(formSubmission.safeParse({ ...ok, colour: 'red' }).success).toBe(false)
    expect(formSubmission.safeParse({ ...ok, name: '  ' }).success).toBe(false)
    expect(formSubmission.safeParse({ ...ok, email: 'not-mail' }).success).toBe(false)
    expect(formSubmission.safeParse({ ...ok, phone: '12' }).success).toBe(false)
  })

  it('takes a status-page reply of trimmed, non-empty text only', () => {
    expect(statusReply.parse({ text: ' thanks ' })).toEqual({ text: 'thanks' })
    expect(statusReply.safeParse({ text: '   ' }).success).toBe(false)
    expect(statusReply.safeParse({ text: 'a', more: 1 }).success).toBe(false)
  })
})
