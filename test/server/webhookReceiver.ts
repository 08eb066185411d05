import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingMessage['headers']
  body: string
}

/** A real HTTP receiver of webhooks: keeps every request and answers with `status()`. */
export async function webhookReceiver(status: () => number = () => 200) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => {
      body += d
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(status()).end()
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return {
    url,
    received,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
