// The load generator, run as its own process (forked by the bench), so that its CPU use is not
// the server's: autocannon for the closed loops, and an open loop at a fixed rate whose latency
// counts from each request's due time (so a slow answer also delays the ones queued behind it).
import http from 'node:http'
import autocannon from 'autocannon'

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

/**
 * Closed loop with autocannon: one keep-alive connection per ticket, each acting on its own ticket
 * as fast as the answers come back (the next body follows from the last answer). A warm-up run
 * comes first on other tickets and is not counted (its last answers are cut off when it stops, so
 * its tickets' versions are not known after it).
 * @param {{ url: string, token: string, ids: string[], warmupIds: string[], seconds: number, warmup: number }} job
 */
async function closed({ url, token, ids, warmupIds, seconds, warmup }) {
  let states = []
  let next = 0
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const setupClient = (client) => {
    const s = states[next++ % states.length]
    client.setRequests([
      {
        method: 'POST',
        path: `/api/tickets/${s.id}/actions`,
        headers,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ ...nextAction(s.step, ++s.i), version: s.version }),
        }),
        onResponse: (status, body) => {
          if (status !== 200) throw new Error(`action refused (${status}): ${body}`)
          const t = JSON.parse(body).ticket
          s.version = t.version
          s.step = t.steps[0]
        },
      },
    ])
  }
  const load = (duration) =>
    autocannon({ url, connections: ids.length, duration, setupClient, excludeErrorStats: false })
  const fresh = (list) => list.map((id) => ({ id, version: 1, step: 'work', i: 0 }))
  if (warmup) {
    states = fresh(warmupIds)
    next = 0
    await load(warmup)
  }
  states = fresh(ids)
  next = 0
  const r = await load(seconds)
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} refused and ${r.errors} failed requests`)
  return { rate: r.requests.total / seconds, p99: r.latency.p99 }
}

/**
 * The ceiling: the same closed loop against a trivial endpoint (GET, a small JSON answer).
 * @param {{ url: string, connections: number, seconds: number, warmup: number }} job
 */
async function trivial({ url, connections, seconds, warmup }) {
  if (warmup) await autocannon({ url, connections, duration: warmup })
  const r = await autocannon({ url, connections, duration: seconds })
  return { rate: r.requests.total / seconds, p99: r.latency.p99 }
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
    inflight.push(
      post(`${url}/api/tickets/${free.id}/actions`, token, {
        ...nextAction(free.step, ++free.i),
        version: free.version,
      }).then((res) => {
        if (res.status !== 200) throw new Error(`action refused: ${JSON.stringify(res.body)}`)
        latencies.push(performance.now() - due)
        free.version = res.body.ticket.version
        free.step = res.body.ticket.steps[0]
        free.busy = false
      }),
    )
  }
  await Promise.all(inflight)
  return { latencies, skipped }
}

const jobs = { closed, trivial, fixed: fixedRate }
process.on('message', async (job) => {
  try {
    process.send({ ok: true, result: await jobs[job.kind](job) })
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) })
  }
})
