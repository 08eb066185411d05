// Editor figures in headless Chromium: time to open a 300-step SOP in the designer, and the frame
// rate while dragging a node.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { startServer } from '../server/start.ts'

/** A valid SOP of `n` steps: a chain of tasks with a decision every tenth step, laid out in a grid. */
export function bigSop(n: number) {
  const steps: Record<string, unknown>[] = []
  const transitions: Record<string, unknown>[] = []
  const nodes: Record<string, { x: number; y: number }> = {}
  const count = n - 1
  for (let i = 0; i < count; i++) {
    const decision = i % 10 === 9
    steps.push({
      id: `s${i}`,
      kind: decision ? 'decision' : 'task',
      title: decision ? `Check ${i}?` : `Step ${i}`,
      roles: decision ? [] : ['agent'],
    })
    nodes[`s${i}`] = { x: (i % 10) * 230, y: Math.floor(i / 10) * 140 }
    const next = i + 1 < count ? `s${i + 1}` : 'done'
    if (decision) {
      transitions.push({ id: `t${i}a`, from: `s${i}`, to: 'done', guard: 'ticket.amount > 100.0' })
      transitions.push({ id: `t${i}b`, from: `s${i}`, to: next })
    } else transitions.push({ id: `t${i}`, from: `s${i}`, to: next, action: 'next', label: 'Next' })
  }
  steps.push({ id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' })
  nodes.done = { x: 0, y: Math.ceil(count / 10) * 140 }
  return {
    schema: 'sopflow/v1',
    id: 'big-sop',
    title: 'A 300-step SOP',
    department: 'Operations',
    purpose: 'Measures the designer on a large procedure.',
    fields: [{ name: 'amount', label: 'Amount', type: 'number' }],
    initial: 's0',
    steps,
    transitions,
    layout: { nodes, edges: {} },
  }
}

/** Drags the `index`th node for 180 animation frames; the frame rate kept and how far it moved. */
async function drag(
  page: Page,
  index: number,
): Promise<{ fps: number; frames: number; ms: number; moved: number }> {
  const box = (await page.locator('.react-flow__node').nth(index).boundingBox())!
  // A string, so that the bundler's helpers do not leak into the page.
  const result = (await page.evaluate(`new Promise((resolve) => {
    const node = document.querySelectorAll('.react-flow__node')[${index}]
    const x0 = ${box.x + box.width / 2}, y0 = ${box.y + box.height / 2}
    const fire = (target, type, x, y) => target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0, buttons: type === 'mouseup' ? 0 : 1 }))
    fire(node, 'mousedown', x0, y0)
    let frame = 0
    let t0 = 0
    const step = (t) => {
      if (frame === 0) t0 = t
      frame++
      fire(window, 'mousemove', x0 + frame * 2, y0 + Math.sin(frame / 15) * 60)
      if (frame < 180) requestAnimationFrame(step)
      else { fire(window, 'mouseup', x0 + frame * 2, y0); resolve({ frames: frame - 1, ms: t - t0 }) }
    }
    requestAnimationFrame(step)
  })`)) as { frames: number; ms: number }
  const after = await page.locator('.react-flow__node').nth(index).boundingBox()
  return {
    fps: (result.frames * 1000) / result.ms,
    frames: result.frames,
    ms: result.ms,
    moved: Math.round((after?.x ?? box.x) - box.x),
  }
}

/**
 * Builds a 17-step SOP from an empty canvas with the keyboard only, as a process owner would: Tab to
 * the palette, Enter, a title typed in place, then A and a kind's letter after each step, Shift+Tab
 * and Enter to go back to a decision, and "connect to…" (C) for a loop back. Counts the key presses
 * and typed titles it took.
 */
async function keyboardBuild(
  page: Page,
): Promise<{ interactions: number; ms: number; steps: number; transitions: number }> {
  let interactions = 0
  const press = async (key: string) => {
    interactions++
    await page.keyboard.press(key)
  }
  const type = async (text: string) => {
    interactions++
    await page.keyboard.type(text)
  }
  const focused = (selector: string) =>
    page.evaluate((sel) => Boolean(document.activeElement?.matches(sel)), selector)
  const until = async (selector: string) => {
    await page.waitForFunction((sel) => document.activeElement?.matches(sel), selector, { timeout: 5000 })
  }
  await page.goto('/#/designer')
  await page.waitForSelector('input[name="new-sop-title"]')
  const t0 = Date.now()
  await page.locator('input[name="new-sop-title"]').focus()
  await type('Return of goods')
  await press('Enter')
  await page.waitForSelector('[data-testid="canvas"]')
  while (!(await focused('.palette-item[data-kind="task"]'))) await press('Tab')
  await press('Enter')
  await until('.step-title-input')
  await type('Receive the return request')
  await press('Enter')
  await until('.react-flow__node')
  const append = async (letter: string, title: string) => {
    await press('a')
    await press(letter)
    await until('.step-title-input')
    await type(title)
    await press('Enter')
    await until('.react-flow__node')
  }
  // Back to an earlier step: Shift+Tab until it has the focus, then Enter selects it.
  const back = async (title: string) => {
    for (let i = 0; i < 40; i++) {
      await press('Shift+Tab')
      const on = await page.evaluate(
        () => document.activeElement?.closest('.react-flow__node')?.querySelector('.step-title')?.textContent,
      )
      if (on === title) break
    }
    await press('Enter')
  }
  await append('t', 'Identify the customer')
  await append('t', 'Find the order')
  await append('d', 'Within 14 days?')
  await append('t', 'Send a return label')
  await append('w', 'Wait for the parcel (2 days)')
  await append('t', 'Inspect the goods')
  await append('d', 'Goods undamaged?')
  await append('t', 'Refund the payment')
  await append('t', 'Tell the customer')
  await append('e', 'Refunded')
  // The damaged branch, from the second decision.
  await back('Goods undamaged?')
  await append('t', 'Offer a repair')
  await append('e', 'Repaired')
  // The late branch, from the first decision.
  await back('Within 14 days?')
  await append('t', 'Explain the return policy')
  await append('e', 'Explained')
  // No answer while waiting: an end from the wait, and the wait's reminder loops back to it.
  await back('Wait for the parcel (2 days)')
  await append('e', 'No response')
  await back('Wait for the parcel (2 days)')
  await append('t', 'Remind the customer')
  await press('c')
  await type('Wait for')
  await press('Enter')
  await page.waitForFunction(() => !document.querySelector('[data-testid="connect-picker"]'))
  const ms = Date.now() - t0
  const steps = await page.locator('.react-flow__node').count()
  const transitions = await page.locator('.react-flow__edge').count()
  return { interactions, ms, steps, transitions }
}

export async function runEditorBench(log: (line: string) => void = console.log): Promise<void> {
  log('## Editor (headless Chromium)')
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-bench-editor-'))
  const server = await startServer({ dbPath: join(dir, 'bench.sqlite'), port: 0, seedExamples: false })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const doc = bigSop(300)
    const res = await fetch(`${server.url}/api/sops`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ document: doc }),
    })
    if (res.status !== 201) throw new Error(`could not create the SOP: ${await res.text()}`)
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, baseURL: server.url })
    await page.goto('/#/designer')
    await page.evaluate((token) => localStorage.setItem('sopflow.token', token), server.adminToken)
    const opens: number[] = []
    for (let run = 0; run < 3; run++) {
      await page.goto('/#/inbox')
      await page.reload()
      await page.waitForSelector('.shell-nav')
      // A process owner opens the SOP from the signed-in app once it has settled.
      await page.waitForLoadState('networkidle')
      const t0 = Date.now()
      await page.evaluate(() => {
        window.location.hash = '#/designer/big-sop'
      })
      await page.waitForFunction(
        () => document.querySelectorAll('.react-flow__node').length >= 300,
        undefined,
        { timeout: 60_000 },
      )
      await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => r(true))))
      opens.push(Date.now() - t0)
    }
    log(
      `  open a 300-step SOP in the designer: median ${[...opens].sort((a, b) => a - b)[1]} ms (runs: ${opens.join(', ')} ms)`,
    )

    // Drag a node: one mouse move per animation frame for 180 frames, dispatched in the page (as
    // a hand would), and measure the frame rate the page keeps while redrawing. First a node near
    // the middle of the view; then one at its top edge, where the canvas scrolls along with the
    // pointer (auto-pan) and every step is redrawn each frame.
    const middle = await page.evaluate(() => {
      const c = document.querySelector('.react-flow')!.getBoundingClientRect()
      let best = 0
      let distance = Number.POSITIVE_INFINITY
      document.querySelectorAll('.react-flow__node').forEach((n, i) => {
        const r = n.getBoundingClientRect()
        const d = Math.hypot(
          r.x + r.width / 2 - (c.x + c.width / 2),
          r.y + r.height / 2 - (c.y + c.height / 2),
        )
        if (d < distance) {
          distance = d
          best = i
        }
      })
      return best
    })
    const inMiddle = await drag(page, middle)
    log(
      `  dragging a node among 300: ${inMiddle.fps.toFixed(0)} fps (${inMiddle.frames} frames in ${(inMiddle.ms / 1000).toFixed(2)} s; the node moved ${inMiddle.moved} px)`,
    )
    const atEdge = await drag(page, 5)
    log(
      `  dragging a node at the edge of the view, the canvas panning along: ${atEdge.fps.toFixed(0)} fps (${atEdge.frames} frames)`,
    )
    log('  goals: open < 1 s, drag >= 50 fps')

    const build = await keyboardBuild(page)
    log(
      `  keyboard-only build of a ${build.steps}-step SOP (${build.transitions} transitions): ${build.interactions} interactions (key presses and typed titles) in ${(build.ms / 1000).toFixed(1)} s`,
    )
  } finally {
    await browser.close()
    await server.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runEditorBench()
