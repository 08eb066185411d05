// A load generator run in a worker thread, so that the client does not share the server's core.
// node:http with keep-alive connections: the lightest client Node has.
import http from 'node:http'
import { parentPort, workerData } from 'node:worker_threads'

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

/** POSTs JSON and resolves with the status and parsed body. */
export function post(url, token, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

export function nextAction(step, i) {
  return step === 'work'
    ? { action: 'follow_up', fields: { attempts: i, summary: `Call ${i}` }, ticks: { work: ['note'] } }
    : { action: 'customer_replied' }
}

/** @param {{ url: string, token: string, ids: string[], seconds: number }} job */
async function run({ url, token, ids, seconds }) {
  let count = 0
  let stop = false
  const t0 = performance.now()
  await Promise.all(
    ids.map(async (id) => {
      let version = 1
      let step = 'work'
      let i = 0
      while (!stop) {
        const res = await post(`${url}/api/tickets/${id}/actions`, token, {
          ...nextAction(step, ++i),
          version,
        })
        if (res.status !== 200) throw new Error(`action refused: ${JSON.stringify(res.body)}`)
        version = res.body.ticket.version
        step = res.body.ticket.steps[0]
        count++
        if (performance.now() - t0 > seconds * 1000) stop = true
      }
    }),
  )
  return count / ((performance.now() - t0) / 1000)
}

/**
 * An open loop at a fixed rate over a pool of tickets: a request is due every 1/rate s whether
 * or not earlier ones have answered (a due slot whose tickets are all busy is counted as
 * skipped). Resolves with each request's latency in ms.
 * @param {{ url: string, token: string, ids: string[], seconds: number, rate: number }} job
 */
async function fixedRate({ url, token, ids, seconds, rate }) {
  const pool = ids.map((id) => ({ id, version: 1, step: 'work', i: 0, busy: false }))
  const latencies = []
  const total = rate * seconds
  let sent = 0
  let skipped = 0
  const inflight = []
  const t0 = performance.now()
  while (sent < total) {
    const due = t0 + (sent * 1000) / rate
    const wait = due - performance.now()
    // Yield at least once per request, so that answers are read while sending.
    await new Promise((r) => (wait > 1 ? setTimeout(r, wait) : setImmediate(r)))
    const free = pool.find((p) => !p.busy)
    sent++
    if (!free) {
      skipped++
      continue
    }
    free.busy = true
    const began = performance.now()
    inflight.push(
      post(`${url}/api/tickets/${free.id}/actions`, token, {
        ...nextAction(free.step, ++free.i),
        version: free.version,
      }).then((res) => {
        if (res.status !== 200) throw new Error(`action refused: ${JSON.stringify(res.body)}`)
        latencies.push(performance.now() - began)
        free.version = res.body.ticket.version
        free.step = res.body.ticket.steps[0]
        free.busy = false
      }),
    )
  }
  await Promise.all(inflight)
  return { latencies, skipped }
}

if (parentPort && workerData)
  parentPort.postMessage(await (workerData.rate ? fixedRate(workerData) : run(workerData)))
