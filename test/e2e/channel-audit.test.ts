import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import type { Connection } from '../../server/storage/channelTypes.ts'
import { createUser, launch, SHOTS, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
let agent: string
let ticketId: string

/** Answered in one step; a customer's reply on the closed ticket reopens it at `answer`. */
const REOPENS = {
  schema: 'sopflow/v1',
  id: 'reopens',
  title: 'Answer and close',
  department: 'Support',
  purpose: 'A request answered in one step, reopened when the customer writes again.',
  closedReply: { mode: 'reopen', step: 'answer' },
  initial: 'answer',
  steps: [
    { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [{ id: 'finish', from: 'answer', to: 'done', action: 'finish', label: 'Finish' }],
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${h.server.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: r.status, body: await r.json() }
}

beforeAll(async () => {
  h = await launch()
  const admin = (await h.server.storage.listUsers())[0]
  await importSop(h.server.storage, REOPENS, admin.id, new Date().toISOString())
  const owner = await createUser(h.server.url, h.adminToken, 'Owner', 'owner')
  agent = await createUser(h.server.url, h.adminToken, 'Lan Nguyễn', 'agent')
  const made = await api(owner, 'POST', '/channels', {
    kind: 'webhook',
    name: 'Chat',
    address: 'chat',
    sopId: 'reopens',
  })
  const conn = (await h.server.storage.channels.getConnection(made.body.id)) as Connection
  const say = (id: string, text: string) =>
    h.server.app.channels.conversations.receive(conn, {
      channel: 'chat',
      sender: { handle: '@hoa', name: 'Hoa' },
      subject: text,
      text,
      conversationId: 'c-1',
      externalId: id,
    })
  ticketId = (await say('m1', 'Đơn hàng chưa đến')).ticketId as string
  const t = await api(agent, 'GET', `/tickets/${ticketId}`)
  const done = await api(agent, 'POST', `/tickets/${ticketId}/actions`, {
    action: 'finish',
    version: t.body.ticket.version,
  })
  expect(done.body.ticket.status).toBe('closed')
  expect((await say('m2', 'Vẫn chưa nhận được')).status).toBe('reopened')
})
afterAll(async () => h?.close())

describe('a channel ticket in the audit view', () => {
  it('shows each message and the reopen in the timeline, in the reader language, and verifies', async () => {
    const auditor = await createUser(h.server.url, h.adminToken, 'Eva Auditor', 'auditor')
    const { page } = h
    const expected = {
      en: ['Message from the customer (Chat)', 'Reopened: the customer wrote again → Answer'],
      vi: ['Tin nhắn từ khách hàng', 'Mở lại: khách hàng đã viết tiếp → Answer'],
      cs: ['Zpráva od zákazníka', 'Znovu otevřeno: zákazník napsal znovu → Answer'],
    }
    await signIn(page, auditor, `#/audit/${ticketId}`)
    for (const [lang, words] of Object.entries(expected)) {
      await page.evaluate((l) => localStorage.setItem('sopflow.lang', l), lang)
      for (const [w, hgt] of [
        [1440, 900],
        [390, 844],
      ]) {
        await page.setViewportSize({ width: w, height: hgt })
        await page.goto(`/#/audit/${ticketId}`)
        await page.reload()
        await page.waitForSelector('.audit-timeline li')
        const titles = await page.$$eval('.audit-timeline .timeline-title', (els) =>
          els.map((e) => e.textContent ?? ''),
        )
        expect(titles).toHaveLength(5)
        expect(titles[1]).toContain(words[0])
        expect(titles[3]).toBe(words[1])
        expect(titles[4]).toContain(words[0])
        // The customer's records name the channel connection they came through.
        expect(await page.textContent('.audit-timeline li[data-record="2"]')).toContain('Chat ·')
        await page.screenshot({ path: `${SHOTS}/channel-audit-${lang}-${w}.png`, fullPage: true })
      }
    }
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'en'))
    const v = await api(auditor, 'GET', `/tickets/${ticketId}/verify`)
    expect(v.body.ok).toBe(true)
  })
})
