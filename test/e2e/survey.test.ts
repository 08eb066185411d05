import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ParsedMail, simpleParser } from 'mailparser'
import { type Browser, chromium } from 'playwright-core'
import { SMTPServer } from 'smtp-server'
import { afterAll, describe, expect, it } from 'vitest'
import { importSop, type RunningServer, startServer } from '../../server/start.ts'
import { surveySop } from '../server/surveyFixture.ts'
import { SHOTS, signIn } from './harness.ts'

async function api(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

let server: RunningServer | undefined
let browser: Browser | undefined
let mta: SMTPServer | undefined
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await new Promise<void>((ok) => (mta ? mta.close(() => ok()) : ok()))
})

describe('the customer survey page', () => {
  it('a surveyed customer opens the link from the invitation e-mail, answers in their language, the answer is stored once and the desk labels it as the customer’s', async () => {
    const mails: ParsedMail[] = []
    mta = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      onData(stream, _s, cb) {
        simpleParser(stream).then((m) => {
          mails.push(m)
          cb()
        }, cb)
      },
    })
    await new Promise<void>((ok) => mta!.listen(0, '127.0.0.1', ok))
    server = await startServer({
      dbPath: join(mkdtempSync(join(tmpdir(), 'sopflow-e2e-survey-')), 'db.sqlite'),
      port: 0,
      seedExamples: false,
      smtpRelay: `smtp://127.0.0.1:${(mta.server.address() as AddressInfo).port}`,
      mailFrom: 'Support <desk@shop.example>',
      outbox: { intervalMs: 100 },
    })
    const admin = (await server.storage.listUsers())[0]
    for (const lang of ['vi', 'cs', 'en'])
      await importSop(
        server.storage,
        surveySop({ rate: 1, seed: 'e2e-survey-seed', periodDays: 0 }, lang, `help-${lang}`),
        admin.id,
        new Date().toISOString(),
      )
    const agent = await api(server.url, server.adminToken, 'POST', '/users', { name: 'Minh', role: 'agent' })
    const tokens: Record<string, string> = {}
    let customerId = ''
    let viTicket = ''
    for (const lang of ['vi', 'cs', 'en']) {
      const customer = await api(server.url, agent.body.token, 'POST', '/customers', {
        name: `Khách ${lang}`,
        email: `customer-${lang}@example.org`,
      })
      const t = await api(server.url, agent.body.token, 'POST', '/tickets', {
        sopId: `help-${lang}`,
        channel: 'email',
        subject: 'Đổi địa chỉ giao hàng',
        customerId: customer.body.id,
        assignToMe: true,
      })
      const closed = await api(server.url, agent.body.token, 'POST', `/tickets/${t.body.ticket.id}/actions`, {
        action: 'resolve',
        version: 1,
      })
      expect(closed.status).toBe(200)
      await expect.poll(() => mails.length, { timeout: 10_000 }).toBeGreaterThan(Object.keys(tokens).length)
      const mail = mails.find((m) => (m.to as { text: string }).text === `customer-${lang}@example.org`)
      tokens[lang] = /#\/survey\/([A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1] ?? ''
      expect(tokens[lang]).not.toBe('')
      if (lang === 'vi') {
        customerId = customer.body.id
        viTicket = t.body.ticket.id
        expect(mail?.subject).toBe(`[${viTicket}] Chúng tôi đã phục vụ bạn thế nào?`)
      }
    }

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    for (const lang of ['en', 'cs', 'vi'])
      for (const [w, h] of [
        [1440, 900],
        [390, 844],
      ]) {
        const shotPage = await browser.newPage({ viewport: { width: w, height: h }, baseURL: server.url })
        await shotPage.goto(`/#/survey/${tokens[lang]}`)
        await shotPage.waitForSelector('form.survey-page')
        await shotPage.screenshot({ path: join(SHOTS, `survey-${lang}-${w}.png`), fullPage: true })
        await shotPage.close()
      }

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, baseURL: server.url })
    await page.goto(`/#/survey/${tokens.vi}`)
    await page.waitForSelector('form.survey-page')
    expect(await page.textContent('h1')).toBe('Chúng tôi đã phục vụ bạn thế nào?')
    await page.click('[data-scale="csat"] label:has-text("4")')
    await page.click('[data-scale="nps"] label:has-text("9")')
    await page.click('[data-scale="ces"] label:has-text("2")')
    await page.fill('textarea[name="comment"]', 'Nhân viên rất nhiệt tình')
    await page.click('button[type="submit"]')
    await page.waitForSelector('[data-testid="survey-done"]')
    expect(await page.textContent('[data-testid="survey-done"] h1')).toBe('Cảm ơn bạn đã trả lời!')

    const record = await api(server.url, agent.body.token, 'GET', `/customers/${customerId}`)
    expect(record.body.surveys).toEqual([
      expect.objectContaining({
        ticketId: viTicket,
        csat: 4,
        nps: 9,
        ces: 2,
        comment: 'Nhân viên rất nhiệt tình',
        createdBy: 'customer',
      }),
    ])
    // Opened again, the page says it was answered; a second answer is refused.
    await page.reload()
    await page.waitForSelector('[data-testid="survey-done"]')
    expect(await page.textContent('[data-testid="survey-done"] h1')).toBe(
      'Khảo sát này đã được trả lời. Xin cảm ơn!',
    )
    const second = await api(server.url, null, 'POST', `/public/surveys/${tokens.vi}`, { csat: 1 })
    expect([second.status, second.body.code]).toEqual([409, 'survey_answered'])
    // On the desk, the customer's record shows the answer, labelled as the customer's own.
    const desk = await browser.newPage({ viewport: { width: 1440, height: 900 }, baseURL: server.url })
    await signIn(desk, agent.body.token, `#/tickets/${viTicket}`)
    await desk.waitForSelector('[data-testid="survey-source"]')
    expect(await desk.textContent('[data-testid="survey-source"]')).toBe('answered by the customer')
    // A link altered by one character does not open a survey.
    await page.goto(`/#/survey/${tokens.cs.slice(0, -1)}${tokens.cs.endsWith('x') ? 'y' : 'x'}`)
    await page.waitForSelector('[data-testid="survey-closed"]')
    expect(await page.textContent('[data-testid="survey-closed"]')).toContain(
      'This survey link does not work',
    )
  }, 120_000)
})
