import { describe, expect, it } from 'vitest'
import { isAutomatic, mailToIncoming } from '../../server/channels/mailIn.ts'

const mail = (headers: string[], body = 'Hello, my kettle is broken.\r\n') =>
  Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`)
const plain = [
  'From: "Ann Nguyen" <Ann@Example.COM>',
  'To: support@shop.example',
  'Subject: Broken kettle [#T-1042]',
  'Message-ID: <m2@example.com>',
  'In-Reply-To: <m1@example.com>',
  'References: <m0@example.com> <m1@example.com>',
  'Content-Type: text/plain; charset=utf-8',
]
const envelope = { mailFrom: 'ann@example.com' }

describe('inbound mail rules', () => {
  it('reads sender, subject, trimmed text, message id and the ids it answers, once each', async () => {
    const m = await mailToIncoming(mail(plain, '\r\n  Hello, my kettle is broken.  \r\n\r\n'), envelope)
    expect(m).toEqual({
      channel: 'email',
      sender: { email: 'ann@example.com', name: 'Ann Nguyen' },
      subject: 'Broken kettle [#T-1042]',
      text: 'Hello, my kettle is broken.',
      html: null,
      externalId: '<m2@example.com>',
      refs: ['<m1@example.com>', '<m0@example.com>'],
      noise: false,
      attachments: [],
    })
  })

  it('takes a lone reference, no name and no subject as such', async () => {
    const m = await mailToIncoming(
      mail(['From: bob@example.com', 'References: <r1@example.com>', 'Content-Type: text/plain']),
      envelope,
    )
    expect(m.sender).toEqual({ email: 'bob@example.com', name: null })
    expect(m.subject).toBe('')
    expect(m.refs).toEqual(['<r1@example.com>'])
    expect(m.externalId).toBeNull()
  })

  it("uses the envelope's sender when the mail names none, and keeps a mail with no sender at all raw", async () => {
    const m = await mailToIncoming(mail(['Subject: hi', 'Content-Type: text/plain']), {
      mailFrom: 'cy@example.com',
    })
    expect(m.sender).toEqual({ email: 'cy@example.com', name: null })
    const raw = mail(['Subject: hi', 'Content-Type: text/plain'])
    const bad = await mailToIncoming(raw, { mailFrom: null })
    expect(bad).toEqual({
      channel: 'email',
      sender: { email: 'unknown' },
      subject: '(unreadable message)',
      text: '',
      raw,
    })
    const noAt = await mailToIncoming(mail(['Subject: hi']), { mailFrom: 'not-an-address' })
    expect(noAt.subject).toBe('(unreadable message)')
    expect(noAt.sender).toEqual({ email: 'not-an-address' })
  })

  it('keeps the HTML part, and attachments except unnamed inline parts', async () => {
    const body = [
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Photo attached</p>',
      '--b',
      'Content-Type: image/png',
      'Content-Disposition: attachment; filename="kettle.png"',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--b',
      'Content-Type: image/gif',
      'Content-Disposition: inline',
      'Content-Transfer-Encoding: base64',
      '',
      'R0lGODlh',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment',
      'Content-Transfer-Encoding: base64',
      '',
      'AAEC',
      '--b--',
      '',
    ].join('\r\n')
    const m = await mailToIncoming(
      mail(['From: ann@example.com', 'Subject: photo', 'Content-Type: multipart/mixed; boundary="b"'], body),
      envelope,
    )
    expect(m.html).toContain('<p>Photo attached</p>')
    expect(m.attachments?.map((a) => [a.filename, a.contentType, a.content.toString('hex')])).toEqual([
      ['kettle.png', 'image/png', '89504e470d0a1a0a'],
      ['attachment', 'application/octet-stream', '000102'],
    ])
  })

  it('marks an auto-reply as noise', async () => {
    const m = await mailToIncoming(mail([...plain, 'Auto-Submitted: auto-replied']), envelope)
    expect(m.noise).toBe(true)
  })

  const headers = (h: Record<string, unknown>) =>
    new Map(Object.entries(h)) as Parameters<typeof isAutomatic>[0]

  it('names why headers mark a mail as automatic', () => {
    const cases: [Record<string, unknown>, string | null, string | null, string | null][] = [
      [{ 'auto-submitted': 'Auto-Replied' }, 'a@x.org', 'a@x.org', 'Auto-Submitted: auto-replied'],
      [
        { 'auto-submitted': { value: 'auto-generated', params: {} } },
        null,
        'a@x.org',
        'Auto-Submitted: auto-generated',
      ],
      [{ 'auto-submitted': 'No' }, 'a@x.org', 'a@x.org', null],
      [{ precedence: 'Bulk' }, 'a@x.org', 'a@x.org', 'Precedence: bulk'],
      [{ precedence: 'list' }, 'a@x.org', 'a@x.org', 'Precedence: list'],
      [{ precedence: 'junk' }, 'a@x.org', 'a@x.org', 'Precedence: junk'],
      [{ precedence: 'auto_reply' }, 'a@x.org', 'a@x.org', 'Precedence: auto_reply'],
      [{ precedence: 'first-class' }, 'a@x.org', 'a@x.org', null],
      [{ precedence: 'bulky' }, 'a@x.org', 'a@x.org', null],
      [{ precedence: 'not bulk' }, 'a@x.org', 'a@x.org', null],
      [{ 'x-autoreply': 'yes' }, 'a@x.org', 'a@x.org', 'X-Autoreply'],
      [{ 'x-autorespond': 'yes' }, 'a@x.org', 'a@x.org', 'X-Autoreply'],
      [
        {
          'x-auto-response-suppress': 'All',
          'x-ms-exchange-generated-message-source': 'Mailbox Rules Agent',
        },
        'a@x.org',
        'a@x.org',
        'Exchange auto-response',
      ],
      [{ 'x-auto-response-suppress': 'All' }, 'a@x.org', 'a@x.org', null],
      [
        { 'x-auto-response-suppress': 'OOF', 'x-ms-exchange-generated-message-source': 'x' },
        'a@x.org',
        'a@x.org',
        null,
      ],
      [{}, 'a@x.org', '', 'null sender'],
      [{}, 'a@x.org', '<>', 'null sender'],
      [{}, 'a@x.org', null, null],
      [{}, 'MAILER-DAEMON@x.org', 'a@x.org', 'sender MAILER-DAEMON@x.org'],
      [{}, 'postmaster@x.org', 'a@x.org', 'sender postmaster@x.org'],
      [{}, 'noreply@x.org', 'a@x.org', 'sender noreply@x.org'],
      [{}, 'no-reply@x.org', 'a@x.org', 'sender no-reply@x.org'],
      [{}, 'donotreply@x.org', 'a@x.org', 'sender donotreply@x.org'],
      [{}, 'do-not-reply@x.org', 'a@x.org', 'sender do-not-reply@x.org'],
      [{}, 'ann.noreply@x.org', 'a@x.org', null],
      [{}, 'noreplyann@x.org', 'a@x.org', null],
      [
        { 'content-type': { value: 'multipart/report', params: {} } },
        'a@x.org',
        'a@x.org',
        'delivery report',
      ],
      [{ 'content-type': { value: 'multipart/mixed', params: {} } }, 'a@x.org', 'a@x.org', null],
      [{ 'auto-submitted': 7 }, 'a@x.org', 'a@x.org', 'Auto-Submitted: 7'],
    ]
    for (const [h, from, mailFrom, why] of cases)
      expect([h, from, mailFrom, isAutomatic(headers(h), from, { mailFrom })]).toEqual([
        h,
        from,
        mailFrom,
        why,
      ])
  })
})
