// Editor figures in headless Chromium: time to open a 300-step SOP in the designer, and the frame
// rate while dragging a node.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
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
    log(`  open a 300-step SOP in the designer: ${Math.min(...opens)} ms (runs: ${opens.join(', ')} ms)`)

    // Drag one node: one mouse move per animation frame for 180 frames, dispatched in the page
    // (as a hand would), and measure the frame rate the page keeps while redrawing. A string, so
    // that the bundler's helpers do not leak into the page.
    const box = (await page.locator('.react-flow__node').nth(5).boundingBox())!
    const result = (await page.evaluate(`new Promise((resolve) => {
      const node = document.querySelectorAll('.react-flow__node')[5]
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
    const moved = await page.locator('.react-flow__node').nth(5).boundingBox()
    log(
      `  dragging a node among 300: ${((result.frames * 1000) / result.ms).toFixed(0)} fps (${result.frames} frames in ${(result.ms / 1000).toFixed(2)} s; the node moved ${Math.round((moved?.x ?? box.x) - box.x)} px)`,
    )
    log('  goals: open < 1 s, drag >= 50 fps')
  } finally {
    await browser.close()
    await server.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runEditorBench()
