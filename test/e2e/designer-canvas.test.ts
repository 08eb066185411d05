import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, signIn } from './harness.ts'

let h: Awaited<ReturnType<typeof launch>>
beforeAll(async () => {
  h = await launch()
  await h.page.setViewportSize({ width: 1440, height: 900 })
})
afterAll(async () => h?.close())

/** Creates an SOP through the API (as an import would) and returns its id. */
async function createSop(doc: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${h.server.url}/api/sops`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ document: doc }),
  })
  expect(res.status).toBe(201)
  return doc.id as string
}

function sop(
  id: string,
  steps: Record<string, unknown>[],
  transitions: Record<string, unknown>[],
  nodes = {},
) {
  return {
    schema: 'sopflow/v1',
    id,
    title: id,
    department: 'Support',
    purpose: 'A test procedure.',
    fields: [],
    initial: (steps[0] as { id: string }).id,
    steps,
    transitions,
    layout: { nodes, edges: {} },
  }
}

async function openDesigner(page: Page, id: string) {
  await signIn(page, h.adminToken, `#/designer/${id}`)
  await page.waitForSelector('[data-testid="canvas"] .react-flow__node')
  await page.waitForTimeout(300)
}

const stepNode = (page: Page, title: string) =>
  page.locator('.react-flow__node', { has: page.locator('.step-title', { hasText: title }) }).first()

/** A point on an edge's line (a fraction of its length along it), in page coordinates. */
async function pointOnEdge(page: Page, id: string, at: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([edgeId, fraction]) => {
      const path = document.querySelector<SVGPathElement>(
        `.react-flow__edge[data-id="${edgeId}"] path.react-flow__edge-path`,
      )!
      const p = path.getPointAtLength(path.getTotalLength() * Number(fraction))
      const m = path.getScreenCTM()!
      return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f }
    },
    [id, at] as const,
  )
}

const selectedEdges = (page: Page) =>
  page.$$eval('.react-flow__edge.selected', (els) => els.map((e) => e.getAttribute('data-id')))

describe('the designer canvas in Chromium', () => {
  it('draws two transitions between the same steps, and one back, apart, and selects each by a click on its line', async () => {
    const { page } = h
    const id = await createSop(
      sop(
        'parallel-edges',
        [
          { id: 'ask', kind: 'task', title: 'Ask the customer', roles: ['agent'] },
          { id: 'answer', kind: 'task', title: 'Answer', roles: ['agent'] },
          { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
        ],
        [
          { id: 'by_phone', from: 'ask', to: 'answer', action: 'phone', label: 'By phone' },
          { id: 'by_mail', from: 'ask', to: 'answer', action: 'mail', label: 'By e-mail' },
          { id: 'back', from: 'answer', to: 'ask', action: 'more', label: 'Ask more' },
          { id: 'finish', from: 'answer', to: 'done', action: 'done', label: 'Done' },
        ],
        { ask: { x: 0, y: 0 }, answer: { x: 0, y: 220 }, done: { x: 0, y: 420 } },
      ),
    )
    await openDesigner(page, id)
    const points: Record<string, { x: number; y: number }> = {}
    for (const edge of ['by_phone', 'by_mail', 'back']) points[edge] = await pointOnEdge(page, edge, 0.3)
    // The lines lie apart: each point is at least 12 px from the others.
    const names = Object.keys(points)
    for (const a of names)
      for (const b of names)
        if (a < b)
          expect(Math.hypot(points[a].x - points[b].x, points[a].y - points[b].y)).toBeGreaterThan(12)
    for (const edge of names) {
      await page.mouse.click(points[edge].x, points[edge].y)
      await page.waitForTimeout(100)
      expect(await selectedEdges(page)).toEqual([edge])
    }
    // Their labels do not cover one another either.
    const labels = await page.$$eval('[data-edge-label="by_phone"], [data-edge-label="by_mail"]', (els) =>
      els.map((e) => e.getBoundingClientRect().toJSON()),
    )
    expect(labels).toHaveLength(2)
    const [l1, l2] = labels
    const overlap = !(
      l1.right <= l2.left ||
      l2.right <= l1.left ||
      l1.bottom <= l2.top ||
      l2.bottom <= l1.top
    )
    expect(overlap).toBe(false)
    await h.shot('canvas-parallel-edges')
  })

  it('draws an SLA escalation as a dashed red edge with its due time, and a click on it opens the SLA of its step', async () => {
    const { page } = h
    await openDesigner(page, 'support-ticket')
    const edge = page.locator('.react-flow__edge[data-id="esc:diagnose"]')
    await expect.poll(() => edge.count()).toBe(1)
    const look = await edge
      .locator('path.react-flow__edge-path')
      .evaluate((p) => ({ stroke: getComputedStyle(p).stroke, dash: getComputedStyle(p).strokeDasharray }))
    expect(look.stroke).toBe('rgb(220, 38, 38)')
    expect(look.dash).not.toBe('none')
    expect(await page.textContent('[data-edge-label="esc:diagnose"]')).toMatch(/⏱\s*4\s*h/)
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(300)
    const p = await pointOnEdge(page, 'esc:diagnose', 0.25)
    await page.mouse.click(p.x, p.y)
    await expect.poll(() => page.inputValue('input[name="step-title"]')).toMatch(/Diagnose/i)
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#inspector-sla')))).toBe(true)
    await h.shot('canvas-escalation-selected')
  })

  it('keeps every edge drawn on every frame while a title is typed in the inspector', async () => {
    const { page } = h
    await openDesigner(page, 'support-ticket')
    await stepNode(page, 'Diagnose').click()
    const total = await page.locator('.react-flow__edge').count()
    expect(total).toBeGreaterThan(20)
    await page.evaluate(`(() => {
      window.__edgeCounts = []
      const sample = () => {
        window.__edgeCounts.push(document.querySelectorAll('.react-flow__edge').length)
        if (!window.__stopSampling) requestAnimationFrame(sample)
      }
      requestAnimationFrame(sample)
    })()`)
    await page.locator('input[name="step-title"]').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' and reproduce the fault', { delay: 40 })
    await page.waitForTimeout(200)
    const counts = (await page.evaluate(
      `(() => { window.__stopSampling = true; return window.__edgeCounts })()`,
    )) as number[]
    expect(counts.length).toBeGreaterThan(20)
    expect(Math.min(...counts)).toBe(total)
  })

  it('gives a connection handle a hit area of at least 24 × 24 px, and a drag from its edge still connects', async () => {
    const { page } = h
    const id = await createSop(
      sop(
        'handles',
        [
          { id: 'first', kind: 'task', title: 'First', roles: ['agent'] },
          { id: 'second', kind: 'task', title: 'Second', roles: ['agent'] },
        ],
        [],
        { first: { x: 0, y: 0 }, second: { x: 0, y: 200 } },
      ),
    )
    await openDesigner(page, id)
    const handle = stepNode(page, 'First').locator('.react-flow__handle-bottom')
    const box = (await handle.boundingBox())!
    expect(box.width).toBeLessThan(12)
    const cx = box.x + box.width / 2
    const cy = box.y + box.height / 2
    for (const [dx, dy] of [
      [11, 0],
      [-11, 0],
      [0, 11],
      [8, 8],
      [-8, -8],
    ]) {
      const hit = await page.evaluate(
        ([x, y]) => Boolean(document.elementFromPoint(x, y)?.closest('.react-flow__handle-bottom')),
        [cx + dx, cy + dy],
      )
      expect(hit, `a pointer ${dx},${dy} px from the handle's centre takes it`).toBe(true)
    }
    const target = (await stepNode(page, 'Second').locator('.react-flow__handle-top').boundingBox())!
    await page.mouse.move(cx + 10, cy + 2)
    await page.mouse.down()
    await page.mouse.move(cx + 10, cy + 30, { steps: 3 })
    await page.mouse.move(target.x + target.width / 2 - 9, target.y + target.height / 2, { steps: 10 })
    await page.mouse.up()
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1)
  })

  it('resizes a parallel step by dragging its corner, and keeps the size after Save and a reload', async () => {
    const { page } = h
    await openDesigner(page, 'support-ticket')
    const refund = page.locator('.react-flow__node[data-id="refund"]')
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(400)
    const before = (await refund.boundingBox())!
    // A click on the container's own corner, away from the regions inside it.
    await page.mouse.click(before.x + 8, before.y + 8)
    const corner = refund.locator('.step-resize.resize-corner')
    await expect.poll(() => corner.count()).toBe(1)
    const grip = (await corner.boundingBox())!
    const zoom = await viewportZoom(page)
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2)
    await page.mouse.down()
    await page.mouse.move(grip.x + 60, grip.y + 40, { steps: 5 })
    await page.mouse.move(grip.x + 120 * zoom, grip.y + 80 * zoom, { steps: 5 })
    await page.mouse.up()
    const after = (await refund.boundingBox())!
    expect(after.width - before.width).toBeGreaterThan(100 * zoom)
    expect(after.height - before.height).toBeGreaterThan(60 * zoom)
    await h.shot('canvas-container-resized')
    await page.getByRole('button', { name: /Save draft/ }).click()
    await expect.poll(() => page.textContent('[data-testid="designer-message"]')).toMatch(/saved/i)
    await page.reload()
    await page.waitForSelector('.react-flow__node[data-id="refund"]')
    await page.waitForTimeout(300)
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(400)
    const reloaded = (await refund.boundingBox())!
    const zoomNow = await viewportZoom(page)
    expect(Math.abs(reloaded.width / zoomNow - after.width / zoom)).toBeLessThan(3)
    expect(Math.abs(reloaded.height / zoomNow - after.height / zoom)).toBeLessThan(3)
  })

  it('grows a parallel step to hold a region dropped near its edge', async () => {
    const { page } = h
    await openDesigner(page, 'support-ticket')
    const refund = page.locator('.react-flow__node[data-id="refund"]')
    await page.locator('.react-flow__controls-fitview').click()
    await page.waitForTimeout(400)
    const box = (await refund.boundingBox())!
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!
    const count = await page.locator('.react-flow__node').count()
    await page.locator('.palette-item[data-kind="group"]').dragTo(page.locator('[data-testid="canvas"]'), {
      targetPosition: { x: box.x + box.width - 30 - canvas.x, y: box.y + box.height - 30 - canvas.y },
    })
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(count + 1)
    const added = page.locator('.react-flow__node.selected, .react-flow__node:has(.is-selected)').last()
    const region = (await added.boundingBox())!
    const grown = (await refund.boundingBox())!
    expect(region.x + region.width).toBeLessThanOrEqual(grown.x + grown.width)
    expect(region.y + region.height).toBeLessThanOrEqual(grown.y + grown.height)
    expect(grown.width).toBeGreaterThan(box.width)
  })

  it('opens a 17-step SOP with step titles at least 11 px high on screen', async () => {
    const { page } = h
    await openDesigner(page, 'complaint-handling')
    const zoom = await viewportZoom(page)
    const size = await page
      .locator('.step-title')
      .first()
      .evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize))
    expect(size * zoom).toBeGreaterThanOrEqual(11)
    // It is laid out from its top, the rest a scroll away.
    const first = (await page.locator('.react-flow__node').first().boundingBox())!
    const canvas = (await page.locator('[data-testid="canvas"]').boundingBox())!
    expect(first.y).toBeGreaterThanOrEqual(canvas.y - 1)
    await h.shot('canvas-default-fit-17-steps')
  })

  it('builds an SOP with the keyboard only: palette, titles in place, append keys, Enter, arrows, connect picker, Esc', async () => {
    const { page } = h
    await signIn(page, h.adminToken, '#/designer')
    await page.locator('input[name="new-sop-title"]').focus()
    await page.keyboard.type('Keyboard build')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid="canvas"]')
    // Tab to the palette's task; Enter adds it with its title ready to be typed.
    for (let i = 0; i < 40 && !(await activeIs(page, '.palette-item[data-kind="task"]')); i++)
      await page.keyboard.press('Tab')
    expect(await activeIs(page, '.palette-item[data-kind="task"]')).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => activeIs(page, '.step-title-input')).toBe(true)
    await page.keyboard.type('Receive the request')
    await page.keyboard.press('Enter')
    // The step has the focus, with a ring to show it.
    await expect.poll(() => activeIs(page, '.react-flow__node')).toBe(true)
    await expect.poll(() => focusRing(page)).toBeGreaterThanOrEqual(2)
    const append = async (letter: string, title: string) => {
      await page.keyboard.press('a')
      await page.keyboard.press(letter)
      await expect.poll(() => activeIs(page, '.step-title-input')).toBe(true)
      await page.keyboard.type(title)
      await page.keyboard.press('Enter')
      await expect.poll(() => activeIs(page, '.react-flow__node')).toBe(true)
    }
    await append('d', 'Refund due?')
    await append('t', 'Check the order')
    await append('w', 'Wait for the parcel')
    await append('e', 'Refunded')
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(4)
    // The transition into an appended step is named after the title typed, not the default one.
    await expect.poll(() => page.locator('[data-edge-label]', { hasText: 'Refund due?' }).count()).toBe(1)
    // Back to the decision by Shift+Tab; Enter selects it and shows it in the inspector.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.inputValue('input[name="step-title"]')).toBe('Refund due?')
    await append('e', 'Explained')
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(5)
    // No step lies on another.
    const overlaps = async () => {
      const boxes = await page.$$eval('.react-flow__node', (els) =>
        els.map((e) => e.getBoundingClientRect().toJSON()),
      )
      let n = 0
      for (let a = 0; a < boxes.length; a++)
        for (let b = a + 1; b < boxes.length; b++) {
          const [p, q] = [boxes[a], boxes[b]]
          if (!(p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top)) n++
        }
      return n
    }
    await expect.poll(overlaps).toBe(0)
    // Arrows move the selected step, Shift further; each move is one undo step.
    await page.keyboard.press('Enter')
    const node = page.locator('.react-flow__node', {
      has: page.locator('.step-title', { hasText: 'Explained' }),
    })
    const zoom = await viewportZoom(page)
    const at = (await node.boundingBox())!
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Shift+ArrowDown')
    await expect.poll(async () => Math.round(((await node.boundingBox())!.x - at.x) / zoom)).toBe(10)
    await expect.poll(async () => Math.round(((await node.boundingBox())!.y - at.y) / zoom)).toBe(50)
    await page.keyboard.press('Control+z')
    await expect.poll(async () => Math.round(((await node.boundingBox())!.y - at.y) / zoom)).toBe(0)
    expect(Math.round(((await node.boundingBox())!.x - at.x) / zoom)).toBe(10)
    await h.shot('canvas-keyboard-append-pad')
    // "Connect to…": C opens the picker; typing filters, Enter connects; Esc closes it.
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.inputValue('input[name="step-title"]')).toBe('Check the order')
    await page.keyboard.press('c')
    await expect.poll(() => page.locator('[data-testid="connect-picker"]').count()).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid="connect-picker"]').count()).toBe(0)
    await expect.poll(() => activeIs(page, '.react-flow__node')).toBe(true)
    await page.keyboard.press('c')
    await page.keyboard.type('receive')
    await h.shot('canvas-connect-picker')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(6)
    await expect.poll(() => page.textContent('.inspector h3')).toMatch(/Transition/)
    // Esc closes the pad, and the help dialog, which lists the canvas keys.
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('[data-testid="append-pad"]').count()).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid="append-pad"]').count()).toBe(0)
    await page.keyboard.press('?')
    await expect.poll(() => page.locator('dialog.modal').count()).toBe(1)
    expect(await page.textContent('dialog.modal')).toContain('Ctrl+Enter')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog.modal').count()).toBe(0)
  })

  it('appends a step from the pad with one click: connected, placed clear, selected, named in place; one undo takes it back', async () => {
    const { page } = h
    await openDesigner(page, 'support-ticket')
    const steps = await page.locator('.react-flow__node').count()
    const edges = await page.locator('.react-flow__edge').count()
    await stepNode(page, 'Diagnose').click()
    await page.locator('[data-testid="append-pad"] [data-append="decision"]').click()
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(steps + 1)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges + 1)
    expect(await activeIs(page, '.step-title-input')).toBe(true)
    await page.keyboard.type('Under warranty?')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.inputValue('input[name="step-title"]')).toBe('Under warranty?')
    const added = (await stepNode(page, 'Under warranty?').boundingBox())!
    const others = await page.$$eval('.react-flow__node', (els) =>
      els
        .filter((e) => !e.textContent?.includes('Under warranty?') && !e.querySelector('.react-flow__node'))
        .filter(
          (e) =>
            !['group', 'parallel'].includes(e.querySelector('.step')?.getAttribute('data-step-kind') ?? ''),
        )
        .map((e) => e.getBoundingClientRect().toJSON()),
    )
    for (const o of others)
      expect(
        added.x + added.width <= o.left ||
          o.right <= added.x ||
          added.y + added.height <= o.top ||
          o.bottom <= added.y,
      ).toBe(true)
    await page.locator('[data-testid="canvas"]').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Control+z')
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(steps)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges)
  })

  it('sets <html lang> from the chosen language at startup and on a change', async () => {
    const { page } = h
    await signIn(page, h.adminToken, '#/designer')
    await page.evaluate(() => localStorage.setItem('sopflow.lang', 'cs'))
    await page.reload()
    await page.waitForSelector('.shell-nav')
    expect(await page.getAttribute('html', 'lang')).toBe('cs')
    await page.locator('.shell-lang select').selectOption('vi')
    expect(await page.getAttribute('html', 'lang')).toBe('vi')
    await page.locator('.shell-lang select').selectOption('en')
  })
})

/** The zoom of the canvas, read from the transform of its viewport. */
function viewportZoom(page: Page): Promise<number> {
  return page
    .locator('.react-flow__viewport')
    .evaluate((e) => new DOMMatrixReadOnly(getComputedStyle(e).transform).a)
}

function activeIs(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => Boolean(document.activeElement?.matches(sel)), selector)
}

/** The width of the outline (or drop shadow) drawn around the focused step. */
function focusRing(page: Page): Promise<number> {
  return page.evaluate(() => {
    const step = document.activeElement?.querySelector('.step')
    if (!step) return 0
    const style = getComputedStyle(step)
    return style.outlineStyle === 'none'
      ? style.filter.includes('drop-shadow')
        ? 2
        : 0
      : Number.parseFloat(style.outlineWidth)
  })
}
