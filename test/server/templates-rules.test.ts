import { afterEach, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import { renderTemplate } from '../../server/templates/render.ts'
import { setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

const values = {
  customer: { name: 'An' },
  ticket: { reference: 'T-1' },
  agent: { name: 'Lan' },
  step: { title: 'Answer' },
}

/** Two parts at once (a call and an e-mail), then done; reply templates for some of its steps. */
const twoPartSop = (templates?: unknown[]) => ({
  schema: 'sopflow/v1',
  id: 'two-part',
  title: 'Two parts',
  department: 'Support',
  purpose: 'Call and write at once',
  initial: 'work',
  steps: [
    { id: 'work', kind: 'parallel', title: 'Work' },
    { id: 'phone', kind: 'group', title: 'Phone', parent: 'work', initial: 'call' },
    { id: 'call', kind: 'task', title: 'Call the customer', parent: 'phone' },
    { id: 'called', kind: 'end', title: 'Called', parent: 'phone' },
    { id: 'post', kind: 'group', title: 'Post', parent: 'work', initial: 'mail' },
    { id: 'mail', kind: 'task', title: 'Write the e-mail', parent: 'post' },
    { id: 'mailed', kind: 'end', title: 'Mailed', parent: 'post' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 't_call', from: 'call', to: 'called', action: 'called', label: 'Called' },
    { id: 't_mail', from: 'mail', to: 'mailed', action: 'mailed', label: 'Mailed' },
    { id: 't_done', from: 'work', to: 'done' },
  ],
  ...(templates ? { templates } : {}),
})

async function ticketOn(document: Record<string, unknown>) {
  ctx = await setup()
  const c = ctx
  const r = await importSop(c.storage, document, c.users.admin, c.clock().toISOString())
  expect(r.version).toBe(1)
  const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
    sopId: 'two-part',
    channel: 'chat',
    subject: 'Two things',
    assignToMe: true,
  })
  expect(t.status).toBe(201)
  return { c, id: t.body.ticket.id as string, number: t.body.ticket.number as number }
}

describe('reply template rules', () => {
  it('a placeholder the engine refuses is 422 naming its kind and value', async () => {
    await expect(renderTemplate('Hi {{ customer.nickname }}', values)).rejects.toMatchObject({
      status: 422,
      code: 'template_invalid',
      message: 'The template uses placeholder "customer.nickname"',
      params: { value: 'customer.nickname' },
    })
  })

  it('a template that cannot be filled in is 422 with the reason, in the message and as its value', async () => {
    const err = await renderTemplate('Dear {{ customer.name', values).then(
      () => null,
      (e) => e,
    )
    expect(err).toMatchObject({ status: 422, code: 'template_invalid' })
    const reason = 'output "{{ customer.name" not closed, line:1, col:6'
    expect(err.message).toBe(`The template cannot be filled in: ${reason}`)
    expect(err.params).toEqual({ value: reason })
  })

  it('offers templates for any current step or for every step, with all current step titles, and no customer as empty', async () => {
    const { c, id, number } = await ticketOn(
      twoPartSop([
        {
          id: 'any',
          title: 'Any',
          text: '{{ ticket.reference }}: {{ step.title }} for [{{ customer.name }}]',
        },
        { id: 'phone', title: 'Phone', steps: ['call', 'done'], text: 'Calling {{ agent.name }}' },
        { id: 'end', title: 'End', steps: ['done'], text: 'Bye' },
      ]),
    )
    const offered = await c.call('GET', `/api/tickets/${id}/reply-templates`, c.tokens.agent)
    expect(offered.status).toBe(200)
    expect(offered.body).toEqual([
      { id: 'any', title: 'Any', text: `T-${number}: Call the customer, Write the e-mail for []` },
      { id: 'phone', title: 'Phone', text: 'Calling agent user' },
    ])
  })

  it('an SOP without templates offers none', async () => {
    const { c, id } = await ticketOn(twoPartSop())
    const offered = await c.call('GET', `/api/tickets/${id}/reply-templates`, c.tokens.agent)
    expect(offered.status).toBe(200)
    expect(offered.body).toEqual([])
  })
})
