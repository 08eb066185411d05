import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../auth/roles.ts'
import { parse } from '../http/problem.ts'
import type { LedgerService } from './ledger.ts'
import { headJson } from './treeHead.ts'

const count = z.coerce.number().int().min(0)

export const ledgerSchemas = {
  inclusionQuery: z.object({ leaf: count, size: count.optional() }),
  consistencyQuery: z.object({ from: count, to: count.optional() }),
}

/** The ledger: the signed tree head and proofs against it (mounted at /api/ledger). */
export function ledgerRoutes(ledger: LedgerService) {
  const app = new Hono<AppEnv>()
  app.get('/head', async (c) => c.json(headJson(await ledger.head())))
  app.get('/proof/inclusion', async (c) => {
    const q = parse(ledgerSchemas.inclusionQuery, c.req.query(), 'query')
    return c.json(await ledger.inclusion(q.leaf, q.size ?? (await ledger.head()).size))
  })
  app.get('/proof/consistency', async (c) => {
    const q = parse(ledgerSchemas.consistencyQuery, c.req.query(), 'query')
    return c.json(await ledger.consistency(q.from, q.to ?? (await ledger.head()).size))
  })
  return app
}

/** The public key tree heads and evidence bundles are signed with (mounted at /api/keys). */
export function keyRoutes(ledger: LedgerService) {
  const app = new Hono<AppEnv>()
  app.get('/', (c) =>
    c.json([
      {
        keyId: ledger.key.keyId,
        algorithm: 'Ed25519',
        publicKey: ledger.key.publicKeyBase64,
        pem: ledger.key.publicKeyPem,
      },
    ]),
  )
  return app
}
