import { afterEach, describe, expect, it } from 'vitest'
import type { Notice } from '../../server/notifications/notifications.ts'
import { setup } from './helpers.ts'

// The rules of the bell's routes (server/notifications/routes.ts): each person sees and marks only
// their own notices, the newest 50; their e-mail setting is checked and kept; the live stream
// starts with the unread count and then carries each new notice with the count after it.

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

let n = 0
async function notice(c: Ctx, userId: string, over: Partial<Notice> = {}): Promise<Notice> {
  n++
  const item: Notice = {
    id: `n_${String(n).padStart(4, '0')}`,
    userId,
    ticketId: null,
    kind: 'assigned',
    params: { subject: `Ticket ${n}` },
    createdAt: new Date(Date.parse('2026-03-02T08:00:00Z') + n * 1000).toISOString(),
    readAt: null,
    ...over,
  }
  expect(await c.sopflow.notices.add(item)).toBe(true)
  return item
}

describe('notification routes', () => {
  it('list the caller’s own notices, newest first and at most 50, with their unread count', async () => {
    ctx = await setup()
    for (let i = 0; i < 52; i++) await notice(ctx, ctx.users.agent)
    await notice(ctx, ctx.users.supervisor)
    const r = await ctx.call('GET', '/api/notifications', ctx.tokens.agent)
    expect(r.status).toBe(200)
    expect(Object.keys(r.body).sort()).toEqual(['items', 'unread'])
    expect(r.body.unread).toBe(52)
    expect(r.body.items).toHaveLength(50)
    expect(r.body.items.every((x: Notice) => x.userId === ctx.users.agent)).toBe(true)
    expect(r.body.items[0].params).toEqual({ subject: 'Ticket 52' })
    const theirs = await ctx.call('GET', '/api/notifications', ctx.tokens.supervisor)
    expect([theirs.body.unread, theirs.body.items.length]).toEqual([1, 1])
  })

  it('mark the named notices read, or all of them, answering what is left; a bad body changes nothing', async () => {
    ctx = await setup()
    const [a, b] = [await notice(ctx, ctx.users.agent), await notice(ctx, ctx.users.agent)]
    await notice(ctx, ctx.users.agent)
    const other = await notice(ctx, ctx.users.supervisor)
    const one = await ctx.call('POST', '/api/notifications/read', ctx.tokens.agent, { ids: [a.id, other.id] })
    expect(one.body).toEqual({ unread: 2 })
    expect((await ctx.call('GET', '/api/notifications', ctx.tokens.supervisor)).body.unread).toBe(1)
    const listed = (await ctx.call('GET', '/api/notifications', ctx.tokens.agent)).body.items as Notice[]
    expect(listed.find((x) => x.id === a.id)?.readAt).toBe(ctx.clock().toISOString())
    expect(listed.find((x) => x.id === b.id)?.readAt).toBeNull()
    for (const bad of [
      { ids: [''] },
      { ids: Array.from({ length: 501 }, (_, i) => `n${i}`) },
      { all: true },
    ]) {
      const r = await ctx.call('POST', '/api/notifications/read', ctx.tokens.agent, bad)
      expect([r.status, r.body.code]).toEqual([400, 'invalid_request'])
    }
    expect((await ctx.call('GET', '/api/notifications', ctx.tokens.agent)).body.unread).toBe(2)
    const all = await ctx.call('POST', '/api/notifications/read', ctx.tokens.agent, {})
    expect(all.body).toEqual({ unread: 0 })
  })

  it('keep the caller’s e-mail setting, the address trimmed; a wrong address or a missing choice is refused', async () => {
    ctx = await setup()
    const initial = await ctx.call('GET', '/api/notifications/settings', ctx.tokens.agent)
    expect(initial.status).toBe(200)
    expect(Object.keys(initial.body).sort()).toEqual(['email', 'emailOn'])
    const saved = await ctx.call('PUT', '/api/notifications/settings', ctx.tokens.agent, {
      email: '  lan@bank.example ',
      emailOn: true,
    })
    expect(saved.body).toEqual({ email: 'lan@bank.example', emailOn: true })
    expect((await ctx.call('GET', '/api/notifications/settings', ctx.tokens.agent)).body).toEqual(saved.body)
    expect((await ctx.call('GET', '/api/notifications/settings', ctx.tokens.supervisor)).body).toEqual(
      initial.body,
    )
    for (const bad of [
      { email: 'not an address', emailOn: true },
      { email: 'lan@bank.example' },
      { email: null, emailOn: 'yes' },
      { email: null, emailOn: false, extra: 1 },
    ]) {
      const r = await ctx.call('PUT', '/api/notifications/settings', ctx.tokens.agent, bad)
      expect([r.status, r.body.code]).toEqual([400, 'invalid_request'])
    }
    const off = await ctx.call('PUT', '/api/notifications/settings', ctx.tokens.agent, {
      email: null,
      emailOn: false,
    })
    expect(off.body).toEqual({ email: null, emailOn: false })
  })

  it('stream the unread count at once, then each new notice of the caller as it comes, with the count after it', async () => {
    ctx = await setup()
    await notice(ctx, ctx.users.agent)
    const abort = new AbortController()
    const res = await ctx.sopflow.app.request('/api/notifications/stream', {
      headers: { authorization: `Bearer ${ctx.tokens.agent}` },
      signal: abort.signal,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const events = async (count: number) => {
      while ((text.match(/\n\n/g) ?? []).length < count) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value)
      }
      return text
        .split('\n\n')
        .filter(Boolean)
        .map((e) =>
          Object.fromEntries(
            e.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
          ),
        )
    }
    expect(await events(1)).toEqual([{ event: 'unread', data: JSON.stringify({ unread: 1 }) }])
    // Another person's notice does not reach this stream; the caller's does, with the new count.
    const theirs = await notice(ctx, ctx.users.supervisor)
    await ctx.sopflow.noticeHub.publish(theirs)
    const mine = await notice(ctx, ctx.users.agent)
    await ctx.sopflow.noticeHub.publish(mine)
    // Live: at once, not at the next keep-alive 15 s later.
    const got = await Promise.race([events(2), new Promise<null>((ok) => setTimeout(() => ok(null), 5000))])
    expect(got, 'the notice came only with the keep-alive').not.toBeNull()
    if (!got) return
    expect(got).toHaveLength(2)
    expect(got[1].event).toBe('notice')
    expect(JSON.parse(got[1].data)).toEqual({ notice: mine, unread: 2 })
    const second = await notice(ctx, ctx.users.agent)
    await ctx.sopflow.noticeHub.publish(second)
    const third = await events(3)
    expect(JSON.parse(third[2].data)).toEqual({ notice: second, unread: 3 })
    await reader.cancel()
    abort.abort()
  })
})
