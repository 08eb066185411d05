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

if (parentPort && workerData) parentPort.postMessage(await run(workerData))
