import { verify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../engine/index.ts'
import type { Problem } from '../../server/http/problem.ts'
import { buildEvidence, ticketSummary } from '../../server/services/evidence.ts'
import type { TicketRow } from '../../server/storage/types.ts'
import { setup } from './helpers.ts'
import { busyTicket, type Ctx } from './ledgerFixture.ts'

/** The evidence bundle as built from storage directly: its refusals and its signature. */
let ctx: Ctx
let row: TicketRow

beforeAll(async () => {
  ctx = await setup()
  row = (await ctx.storage.getTicket(await busyTicket(ctx)))!
})
afterAll(() => ctx?.storage.close())

const build = (t: TicketRow, size?: number) =>
  buildEvidence(
    ctx.storage,
    ctx.sopflow.ledger,
    t,
    { id: ctx.users.auditor },
    '2026-03-02T09:00:00.000Z',
    size,
  )

async function refusal(p: Promise<unknown>) {
  try {
    await p
  } catch (err) {
    const e = err as Problem
    return { status: e.status, code: e.code, message: e.message }
  }
  throw new Error('expected a refusal')
}

describe('the ticket summary of a bundle', () => {
  it('states no field values and no state head for a ticket row without a state', () => {
    for (const state of [undefined, {}]) {
      const { fields, stateHead } = ticketSummary({ ...row, state: state as never })
      expect([fields, stateHead]).toEqual([{}, null])
    }
  })
})

describe('building an evidence bundle', () => {
  it('signs the canonical bundle with the ledger key, in base64, and states the SOP text as stored', async () => {
    const bundle = JSON.parse(await build(row))
    const { signature, ...unsigned } = bundle
    expect(signature).toMatch(/^[A-Za-z0-9+/]{86}==$/)
    expect(bundle.publicKey).toBe(ctx.sopflow.ledger.key.publicKeyBase64)
    const key = ctx.sopflow.ledger.key.publicKey
    expect(
      verify(null, Buffer.from(canonicalJson(unsigned), 'utf8'), key, Buffer.from(signature, 'base64')),
    ).toBe(true)
    const version = (await ctx.storage.getVersion(row.sopId, row.sopVersion))!
    expect(bundle.sop.document).toBe(version.text ?? canonicalJson(version.document))
  })

  it('names the SOP version that does not exist', async () => {
    expect(await refusal(build({ ...row, sopVersion: 99 }))).toEqual({
      status: 404,
      code: 'not_found',
      message: `SOP version ${row.sopId}@99 does not exist`,
    })
  })

  it('names the tree head size never signed, and the record a tree head does not hold', async () => {
    expect(await refusal(build(row, 999))).toEqual({
      status: 404,
      code: 'not_found',
      message: 'No signed tree head of 999 records',
    })
    const size = (await ctx.sopflow.ledger.head()).size
    await ctx.call('POST', `/api/tickets/${row.id}/notes`, ctx.tokens.agent, { text: 'One more' })
    const latest = (await ctx.storage.getTicket(row.id))!
    expect(await refusal(build(latest, size))).toEqual({
      status: 422,
      code: 'ledger_leaf_unknown',
      message: `Record ${(await ctx.storage.getAudit(row.id)).at(-1)!.seq} is not in the tree head of ${size} records`,
    })
  })
})
