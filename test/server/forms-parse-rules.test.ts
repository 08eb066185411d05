import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { FormService, statusHash } from '../../server/channels/forms.ts'
import type { Problem } from '../../server/http/problem.ts'
import { importSop } from '../../server/start.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import { setup } from './helpers.ts'

let ctx: Awaited<ReturnType<typeof setup>>
afterEach(async () => ctx?.storage.close())

/** A one-step SOP whose fields are of each type a form posts as text. */
const TYPED = {
  schema: 'sopflow/v1',
  id: 'typed',
  title: 'Typed request',
  department: 'Support',
  purpose: 'A request whose form asks a number, a yes/no and a text.',
  language: 'vi',
  fields: [
    { name: 'amount', label: 'Amount', type: 'number' },
    { name: 'urgent', label: 'Urgent', type: 'boolean' },
    { name: 'note', label: 'Note', type: 'text' },
    { name: 'kind', label: 'Kind', type: 'choice', options: [{ value: 'a', label: 'A' }] },
    { name: 'secret', label: 'Internal', type: 'text' },
  ],
  initial: 'answer',
  steps: [
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' }],
}

const ASKED = ['amount', 'urgent', 'note', 'kind']

async function withForm(
  over: Partial<Connection> = {},
  limits?: ConstructorParameters<typeof FormService>[4],
) {
  ctx = await setup()
  await importSop(ctx.storage, TYPED, ctx.users.admin, ctx.clock().toISOString())
  const conn: Connection = {
    id: 'conn-form',
    kind: 'form',
    name: 'Contact us',
    address: 'contact',
    channel: 'web',
    sopId: 'typed',
    queue: null,
    priority: 'normal',
    secret: null,
    settings: { askFields: ASKED },
    enabled: true,
    createdAt: ctx.clock().toISOString(),
    updatedAt: ctx.clock().toISOString(),
    ...over,
  }
  await ctx.storage.channels.createConnection(conn)
  const forms = new FormService(
    ctx.storage,
    ctx.sopflow.tickets,
    ctx.sopflow.channels.conversations,
    ctx.clock,
    limits,
  )
  return { forms, conn }
}

/** The Problem a call is refused with: its status, code, message and params. */
async function refusal(p: Promise<unknown>) {
  try {
    await p
  } catch (err) {
    const e = err as Problem
    return { status: e.status, code: e.code, message: e.message, params: e.params }
  }
  throw new Error('expected a refusal')
}

const sent = (over: Record<string, unknown> = {}) => ({
  name: 'Hoa',
  email: 'hoa@example.com',
  subject: 'Refund',
  message: 'Charged twice',
  ...over,
})

async function fieldsOf(token: string) {
  const link = await ctx.storage.channels.statusLink(statusHash(token))
  const t = await ctx.sopflow.tickets.get(link!.ticketId)
  return t.state.context.fields
}

describe('web form page', () => {
  it('shows only the asked SOP fields with their label, type and options, in the form title and language', async () => {
    const { forms } = await withForm({ settings: { askFields: ASKED, title: 'Write to us', language: 'cs' } })
    expect(await forms.describe('contact')).toEqual({
      slug: 'contact',
      title: 'Write to us',
      language: 'cs',
      fields: [
        { name: 'amount', label: 'Amount', type: 'number', options: undefined },
        { name: 'urgent', label: 'Urgent', type: 'boolean', options: undefined },
        { name: 'note', label: 'Note', type: 'text', options: undefined },
        { name: 'kind', label: 'Kind', type: 'choice', options: [{ value: 'a', label: 'A' }] },
      ],
    })
  })

  it("takes the SOP's title and language when the form names none, and asks no field unless told", async () => {
    const { forms } = await withForm({ settings: {} })
    expect(await forms.describe('contact')).toEqual({
      slug: 'contact',
      title: 'Typed request',
      language: 'vi',
      fields: [],
    })
  })

  it("falls back to the connection's name and English when its SOP has no version", async () => {
    const { forms } = await withForm({ sopId: 'none-such', settings: { askFields: ['amount'] } })
    expect(await forms.describe('contact')).toEqual({
      slug: 'contact',
      title: 'Contact us',
      language: 'en',
      fields: [],
    })
  })

  it('does not exist for an unknown slug, a disabled form, or a connection of another kind', async () => {
    const { forms } = await withForm({ enabled: false })
    await ctx.storage.channels.createConnection({
      ...(await ctx.storage.channels.connectionByAddress('contact'))!,
      id: 'conn-mail',
      kind: 'email',
      address: 'desk@example.com',
      enabled: true,
    })
    for (const slug of ['nowhere', 'contact', 'desk@example.com'])
      expect(await refusal(forms.describe(slug))).toEqual({
        status: 404,
        code: 'not_found',
        message: `Form "${slug}" does not exist`,
        params: { kind: 'form', id: slug },
      })
  })
})

describe('web form submission', () => {
  it('types the posted texts as their fields are and drops empty ones', async () => {
    const { forms } = await withForm()
    const r = await forms.submit(
      'contact',
      sent({ fields: { amount: ' 12.5 ', urgent: 'true', note: 'true', kind: '' } }),
      '10.0.0.1',
    )
    expect(r.reference).toBe('T-1001')
    expect(await fieldsOf(r.token)).toEqual({ amount: 12.5, urgent: true, note: 'true' })
    const r2 = await forms.submit(
      'contact',
      sent({ email: 'lan@example.com', fields: { amount: '-3', urgent: 'false', note: '12' } }),
      '10.0.0.1',
    )
    expect(await fieldsOf(r2.token)).toEqual({ amount: -3, urgent: false, note: '12' })
    const r3 = await forms.submit('contact', sent({ email: 'mai@example.com', fields: { amount: 5 } }), 'ip')
    expect(await fieldsOf(r3.token)).toEqual({ amount: 5 })
  })

  it('leaves a text that is no number or yes/no as text, for the engine to refuse', async () => {
    const { forms } = await withForm()
    for (const fields of [
      { amount: '12a' },
      { amount: '1.' },
      { amount: 'x12' },
      { urgent: 'yes' },
      { urgent: 'True' },
    ])
      expect(await refusal(forms.submit('contact', sent({ fields }), '10.0.0.1'))).toMatchObject({
        status: 422,
        code: 'invalid_field_value',
      })
  })

  it('refuses, naming them, fields the form does not ask', async () => {
    const { forms } = await withForm()
    expect(
      await refusal(forms.submit('contact', sent({ fields: { note: 'hi', secret: 's', other: 1 } }), 'ip')),
    ).toEqual({
      status: 422,
      code: 'unknown_field',
      message: 'This form does not ask for: secret, other',
      params: { fields: 'secret, other' },
    })
    const { forms: none } = await withForm({ settings: {} })
    expect(await refusal(none.submit('contact', sent({ fields: { note: 'hi' } }), 'ip'))).toMatchObject({
      code: 'unknown_field',
      params: { fields: 'note' },
    })
  })

  it('refuses a filled honeypot, and a form whose SOP cannot open requests', async () => {
    const { forms } = await withForm()
    expect(await refusal(forms.submit('contact', sent({ website: 'http://spam' }), 'ip'))).toEqual({
      status: 422,
      code: 'submission_refused',
      message: 'The submission was refused',
      params: {},
    })
    const { forms: orphan } = await withForm({ sopId: 'none-such', settings: {} })
    expect(await refusal(orphan.submit('contact', sent(), 'ip'))).toEqual({
      status: 422,
      code: 'submission_refused',
      message: 'The form cannot open requests now',
      params: {},
    })
  })

  it('lets ten submissions a client and five an address through in ten minutes by default', async () => {
    const { forms } = await withForm({ settings: {} })
    for (let i = 0; i < 10; i++) await forms.submit('contact', sent({ email: `p${i}@example.com` }), 'ip-a')
    expect(await refusal(forms.submit('contact', sent({ email: 'p10@example.com' }), 'ip-a'))).toEqual({
      status: 429,
      code: 'rate_limited',
      message: 'Too many requests; try again in 600 s',
      params: { seconds: 600 },
    })
    for (let i = 0; i < 5; i++) await forms.submit('contact', sent({ email: 'same@example.com' }), `ip-${i}`)
    expect(await refusal(forms.submit('contact', sent({ email: 'SAME@example.com' }), 'ip-9'))).toMatchObject(
      {
        status: 429,
        params: { seconds: 600 },
      },
    )
    ctx.clock.advance(10 * 60_000)
    expect((await forms.submit('contact', sent({ email: 'same@example.com' }), 'ip-a')).token).toMatch(/./)
  })

  it('counts the limits given, a phone number standing for the address', async () => {
    const { forms } = await withForm({ settings: {} }, { perIp: 5, perAddress: 1, windowMs: 30_000 })
    await forms.submit('contact', sent({ email: undefined, phone: '0901234567' }), 'ip-a')
    expect(
      await refusal(forms.submit('contact', sent({ email: undefined, phone: '0901234567' }), 'ip-b')),
    ).toMatchObject({ status: 429, params: { seconds: 30 } })
    await forms.submit('contact', sent({ email: 'x@example.com' }), 'ip-b')
  })
})

describe('status page', () => {
  it("shows the request's messages, the customer's under their name, and takes a reply as theirs", async () => {
    const { forms } = await withForm({ settings: {} })
    const { token, reference } = await forms.submit('contact', sent(), 'ip')
    const seen = await forms.status(token)
    expect(seen).toMatchObject({ reference, language: 'vi', subject: 'Refund', status: 'open' })
    expect(seen.messages).toEqual([
      { direction: 'in', at: expect.any(String), text: 'Charged twice', from: 'Hoa' },
    ])
    expect(await forms.reply(token, { text: ' One more thing ' })).toEqual({ reference })
    const link = await ctx.storage.channels.statusLink(statusHash(token))
    const rows = await ctx.storage.channels.messagesOfTicket(link!.ticketId)
    expect(rows.map((m) => [m.direction, m.sender, m.senderName, m.subject, m.text])).toEqual([
      ['in', 'hoa@example.com', 'Hoa', 'Refund', 'Charged twice'],
      ['in', 'hoa@example.com', 'Hoa', 'Re: Refund', 'One more thing'],
    ])
  })

  it("names an unnamed customer by their address and the desk by its name only, in the form's language", async () => {
    const { forms, conn } = await withForm({ settings: { language: 'cs' } })
    const { token } = await forms.submit('contact', sent(), 'ip')
    const link = await ctx.storage.channels.statusLink(statusHash(token))
    const [first] = await ctx.storage.channels.messagesOfTicket(link!.ticketId)
    const row = (id: string, direction: 'in' | 'out', sender: string, senderName: string | null) => ({
      ...first,
      id,
      connectionId: conn.id,
      direction,
      sender,
      senderName,
      externalId: null,
      text: id,
    })
    await ctx.storage.channels.addMessage(row('m-anon', 'in', 'anon@example.com', null), [])
    await ctx.storage.channels.addMessage(row('m-desk', 'out', 'desk@example.com', 'Support desk'), [])
    await ctx.storage.channels.addMessage(row('m-bare', 'out', 'desk@example.com', null), [])
    const seen = await forms.status(token)
    expect(seen.language).toBe('cs')
    expect(Object.fromEntries(seen.messages.map((m) => [m.text, m.from]))).toEqual({
      'Charged twice': 'Hoa',
      'm-anon': 'anon@example.com',
      'm-desk': 'Support desk',
      'm-bare': null,
    })
  })

  it('does not exist for an unknown token, nor a reply once its form is gone', async () => {
    const { forms, conn } = await withForm({ settings: {} })
    expect(await refusal(forms.status('nope'))).toEqual({
      status: 404,
      code: 'not_found',
      message: 'Status page "link" does not exist',
      params: { kind: 'status_page', id: 'link' },
    })
    const { token } = await forms.submit('contact', sent(), 'ip')
    await ctx.storage.channels.deleteConnection(conn.id)
    expect(await refusal(forms.reply(token, { text: 'hello' }))).toEqual({
      status: 404,
      code: 'not_found',
      message: `Form "${conn.id}" does not exist`,
      params: { kind: 'form', id: conn.id },
    })
  })

  it('keys a status link by the SHA-256 of its token, prefixed', () => {
    const hex = createHash('sha256').update('sopflow-status:abc').digest('hex')
    expect(statusHash('abc')).toBe(hex)
  })
})
