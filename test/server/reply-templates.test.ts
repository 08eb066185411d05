import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'
import { mailSender } from '../../server/outbox/mail.ts'
import { webhookSender } from '../../server/outbox/webhookOut.ts'
import { OutboxWorker } from '../../server/outbox/worker.ts'
import { importSop } from '../../server/start.ts'
import { renderTemplate } from '../../server/templates/render.ts'
import { setup } from './helpers.ts'
import { surveySop } from './surveyFixture.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

const TEMPLATES = [
  {
    id: 'greeting',
    title: 'Lời chào',
    text: 'Kính gửi {{ customer.name }},\n\nChúng tôi đã nhận yêu cầu {{ ticket.reference }}.\n\n{{ agent.name }}',
  },
  {
    id: 'working',
    title: 'Đang xử lý',
    steps: ['answer'],
    text: 'Yêu cầu {{ ticket.reference }} đang ở bước: {{ step.title | downcase }}.',
  },
  { id: 'closing', title: 'Kết thúc', steps: ['done'], text: 'Cảm ơn {{ customer.name }}!' },
]

const sopWith = (templates: unknown[]) => ({
  ...surveySop({ rate: 0, seed: 'no-surveys-here' }, 'vi'),
  templates,
})

describe('reply templates in the SOP', () => {
  it('are validated by the engine: an unknown placeholder, filter, tag or step is a diagnostic naming it', () => {
    expect(validate(sopWith(TEMPLATES)).valid).toBe(true)
    const bad = validate(
      sopWith([
        { id: 'a', title: 'A', text: 'Hello {{ customer.firstName }}' },
        { id: 'b', title: 'B', text: '{{ customer.name | append: "!" }}' },
        { id: 'c', title: 'C', text: "{% include 'secrets' %}" },
        { id: 'd', title: 'D', text: 'Hi', steps: ['nowhere'] },
      ]),
    )
    expect(bad.valid).toBe(false)
    expect(bad.diagnostics.map((d) => [d.code, d.variant, d.params.value])).toEqual([
      ['template_placeholder', 'placeholder', 'customer.firstName'],
      ['template_placeholder', 'filter', 'append'],
      ['template_placeholder', 'tag', 'include'],
      ['unknown_target', 'template', 'nowhere'],
    ])
  })

  it('renders the allowed placeholders and filters, and refuses any other placeholder or filter instead of leaving it empty', async () => {
    const values = {
      customer: { name: 'An' },
      ticket: { reference: 'T-1' },
      agent: { name: 'Lan' },
      step: { title: 'Answer' },
    }
    expect(await renderTemplate('{{ customer.name | upcase }} / {{ ticket.reference }}', values)).toBe(
      'AN / T-1',
    )
    await expect(renderTemplate('{{ customer.nme }}', values)).rejects.toMatchObject({
      code: 'template_invalid',
    })
    await expect(renderTemplate('{{ customer.name | date: "%Y" }}', values)).rejects.toMatchObject({
      code: 'template_invalid',
    })
  })

  it('are offered on the desk for the current step, filled in for the ticket, and the edited text reaches the customer through a real SMTP relay', async () => {
    const c = await setup({ replies: { mailFrom: 'CSKH <cskh@bank.example>' } })
    closers.push(() => c.storage.close())
    await importSop(c.storage, sopWith(TEMPLATES), c.users.admin, c.clock().toISOString())
    const customer = await c.call('POST', '/api/customers', c.tokens.agent, {
      name: 'Nguyễn Thị Lan',
      email: 'lan@example.vn',
    })
    const t = await c.call('POST', '/api/tickets', c.tokens.agent, {
      sopId: 'quick-help',
      channel: 'email',
      subject: 'Thẻ bị khoá',
      customerId: customer.body.id,
      assignToMe: true,
    })
    const id = t.body.ticket.id as string
    const reference = `T-${t.body.ticket.number}`
    const offered = await c.call('GET', `/api/tickets/${id}/reply-templates`, c.tokens.agent)
    expect(offered.status).toBe(200)
    expect(offered.body).toEqual([
      {
        id: 'greeting',
        title: 'Lời chào',
        text: `Kính gửi Nguyễn Thị Lan,\n\nChúng tôi đã nhận yêu cầu ${reference}.\n\nagent user`,
      },
      { id: 'working', title: 'Đang xử lý', text: `Yêu cầu ${reference} đang ở bước: answer the question.` },
    ])
    // The agent edits the filled-in text and sends it to the customer.
    const text = `${offered.body[0].text}\n\nP.S. Thẻ sẽ được mở trong 2 giờ.`
    const note = await c.call('POST', `/api/tickets/${id}/notes`, c.tokens.agent, {
      text,
      visibility: 'customer',
    })
    expect(note.status).toBe(201)
    const mails: ParsedMail[] = []
    const mta = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m)
          cb()
        }, cb)
      },
    })
    await new Promise<void>((ok) => mta.listen(0, '127.0.0.1', ok))
    closers.push(() => new Promise<void>((ok) => mta.close(() => ok())))
    const w = new OutboxWorker(
      c.sopflow.outbox,
      {
        mail: mailSender(`smtp://127.0.0.1:${(mta.server.address() as AddressInfo).port}`),
        webhook: webhookSender(c.sopflow.outbox),
      },
      c.clock,
    )
    await w.tick()
    expect(mails).toHaveLength(1)
    expect(mails[0].text?.trim()).toBe(text)
    expect((mails[0].to as { text: string }).text).toBe('lan@example.vn')
    // Auditors read tickets but do not reply: no templates for them.
    const auditor = await c.call('GET', `/api/tickets/${id}/reply-templates`, c.tokens.auditor)
    expect(auditor.status).toBe(403)
  })
})
