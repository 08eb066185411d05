import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompiledSop } from '../../engine/index.ts'
import { verifyAudit } from '../../server/services/verification.ts'
import type { AuditRow, TicketRow } from '../../server/storage/types.ts'
import { setup } from './helpers.ts'
import { busyTicket, type Ctx, rechain } from './ledgerFixture.ts'

let ctx: Ctx
let sop: CompiledSop
let row: TicketRow
let audit: AuditRow[]

beforeAll(async () => {
  ctx = await setup()
  const id = await busyTicket(ctx)
  row = (await ctx.storage.getTicket(id))!
  audit = await ctx.storage.getAudit(id)
  sop = await ctx.sopflow.tickets.sopFor(row.sopId, row.sopVersion)
})
afterAll(() => ctx?.storage.close())

describe('verifying records the engine cannot replay', () => {
  it('reports a record that makes the replay fail outright as not replayable, and checks no ticket row', () => {
    const rs = structuredClone(audit)
    const transition = rs.findIndex((a) => a.type === 'transition')
    ;((rs[transition].payload as { record: { actor: unknown } }).record as { actor: unknown }).actor = null
    rechain(rs)
    const v = verifyAudit(sop, { ...row, auditHead: rs.at(-1)!.hash }, rs)
    const reason = "the records cannot be replayed: Cannot read properties of null (reading 'role')"
    expect(v).toEqual({
      ok: false,
      chain: { ok: true, length: rs.length },
      replay: { ok: false, records: 2, index: 0, seq: -1, reason, expected: null, recorded: null },
      ticket: { ok: false, checked: false, problems: [] },
      problems: [`replay diverges at record -1: ${reason}`],
    })
  })
})

describe("verifying a bundle's summary", () => {
  const fields = () => (row.state as { context: { fields: Record<string, unknown> } }).context.fields
  const head = () => (row.state as { head: string }).head

  it('passes a summary whose field values and state head are those the history ends in', () => {
    const v = verifyAudit(sop, { ...row, state: { head: head() } as never }, audit, {
      summaryFields: fields(),
    })
    expect(v.ticket).toEqual({ ok: true, checked: true, problems: [] })
  })
})
