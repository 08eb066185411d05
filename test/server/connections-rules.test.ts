import { afterEach, describe, expect, it } from 'vitest'
import { setup } from './helpers.ts'

// The rules of channel connections: the address each kind takes (an e-mail address, or a slug),
// an SOP and a reply URL that must be acceptable, one connection per address, what a new one gets
// by default, and what a change keeps, clears or replaces (the signing secret on request).

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx
afterEach(async () => {
  await ctx?.storage.close()
})

const create = (c: Ctx, body: Record<string, unknown>) =>
  c.call('POST', '/api/channels', c.tokens.owner, { sopId: 'support-ticket', ...body })

describe('channel connections', () => {
  it('a mailbox takes an e-mail address and other kinds a slug, lower-cased; others are refused naming the address', async () => {
    ctx = await setup()
    const mail = await create(ctx, { kind: 'email', name: 'Help', address: 'Help@Bank.Example' })
    expect(mail.status).toBe(201)
    expect(mail.body.address).toBe('help@bank.example')
    const hook = await create(ctx, { kind: 'webhook', name: 'Zalo', address: 'Zalo-Chat' })
    expect(hook.body.address).toBe('zalo-chat')
    for (const [kind, address, kindText] of [
      ['email', 'help@bank', 'an e-mail address'],
      ['email', 'help desk@bank.example', 'an e-mail address'],
      ['webhook', 'zalo chat', 'a slug (lower-case letters, digits, dashes)'],
      ['webhook', '-zalo', 'a slug (lower-case letters, digits, dashes)'],
      ['form', `f${'x'.repeat(63)}`, 'a slug (lower-case letters, digits, dashes)'],
    ]) {
      const r = await create(ctx, { kind, name: 'X', address })
      expect(r.status, address).toBe(400)
      expect(r.body.code).toBe('invalid_request')
      expect(r.body.detail).toBe(`Invalid body: address must be ${kindText}, not "${address}"`)
      expect(r.body.params).toEqual({ where: 'body', fields: 'address' })
    }
    expect((await create(ctx, { kind: 'form', name: 'Form', address: `f${'x'.repeat(62)}` })).status).toBe(
      201,
    )
  })

  it('a new connection: a secret only for webhooks, no queue, normal priority, the kind’s channel, both times now', async () => {
    ctx = await setup()
    const hook = (await create(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo' })).body
    const mail = (await create(ctx, { kind: 'email', name: 'Help', address: 'help@bank.example' })).body
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(mail.secret).toBeNull()
    expect(hook).toMatchObject({
      queue: null,
      priority: 'normal',
      enabled: true,
      createdAt: ctx.clock().toISOString(),
    })
    expect(hook.updatedAt).toBe(hook.createdAt)
    expect(hook.id).toMatch(/^ch_/)
    expect(mail.channel).toBe('email')
  })

  it('refuses an unknown SOP, a reply URL on a private address unless allowed, and an address in use', async () => {
    ctx = await setup()
    const sop = await create(ctx, { kind: 'webhook', name: 'Zalo', address: 'zalo', sopId: 'no-such' })
    expect(sop.status).toBe(404)
    expect(sop.body.params).toEqual({ kind: 'sop', id: 'no-such' })
    const url = 'http://127.0.0.1:9/out'
    const refused = await create(ctx, {
      kind: 'webhook',
      name: 'Zalo',
      address: 'zalo',
      settings: { replyUrl: url },
    })
    expect(refused.status).toBe(422)
    expect(refused.body.code).toBe('webhook_url_refused')
    expect(refused.body.params.url).toBe(url)
    expect(refused.body.detail).toBe(`The reply URL is refused: ${refused.body.params.reason}`)
    const allowed = await create(ctx, {
      kind: 'webhook',
      name: 'Zalo',
      address: 'zalo',
      settings: { replyUrl: url, replyAllowPrivate: true },
    })
    expect(allowed.status).toBe(201)
    const taken = await create(ctx, { kind: 'form', name: 'Other', address: 'zalo' })
    expect(taken.status).toBe(409)
    expect(taken.body.code).toBe('connection_address_taken')
    expect(taken.body.params).toEqual({ address: 'zalo' })
    expect(taken.body.detail).toBe('Another connection already uses zalo')
    expect((await ctx.call('GET', '/api/channels', ctx.tokens.owner)).body).toHaveLength(1)
  })

  it('a change keeps what it does not name, clears the queue when told, and renews a webhook’s secret on request only', async () => {
    ctx = await setup()
    const hook = (
      await create(ctx, {
        kind: 'webhook',
        name: 'Zalo',
        address: 'zalo',
        channel: 'chat',
        queue: 'vip',
        priority: 'high',
      })
    ).body
    ctx.clock.advance(60_000)
    const renamed = (
      await ctx.call('PATCH', `/api/channels/${hook.id}`, ctx.tokens.owner, { name: 'Zalo OA' })
    ).body
    expect(renamed).toMatchObject({
      name: 'Zalo OA',
      address: 'zalo',
      channel: 'chat',
      queue: 'vip',
      priority: 'high',
      secret: hook.secret,
      createdAt: hook.createdAt,
      updatedAt: ctx.clock().toISOString(),
    })
    const cleared = (await ctx.call('PATCH', `/api/channels/${hook.id}`, ctx.tokens.owner, { queue: null }))
      .body
    expect(cleared.queue).toBeNull()
    expect(cleared.name).toBe('Zalo OA')
    const rotated = (
      await ctx.call('PATCH', `/api/channels/${hook.id}`, ctx.tokens.owner, { rotateSecret: true })
    ).body
    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(hook.secret)
    const mail = (await create(ctx, { kind: 'email', name: 'Help', address: 'help@bank.example' })).body
    const mailRotated = (
      await ctx.call('PATCH', `/api/channels/${mail.id}`, ctx.tokens.owner, { rotateSecret: true })
    ).body
    expect(mailRotated.secret).toBeNull()
    const moved = await ctx.call('PATCH', `/api/channels/${mail.id}`, ctx.tokens.owner, { address: 'zalo' })
    expect(moved.status).toBe(400)
    const missing = await ctx.call('PATCH', '/api/channels/ch_none', ctx.tokens.owner, { name: 'X' })
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'connection', id: 'ch_none' })
    // Its own address again is not "taken".
    const same = await ctx.call('PATCH', `/api/channels/${hook.id}`, ctx.tokens.owner, { address: 'zalo' })
    expect(same.status).toBe(200)
  })
})
