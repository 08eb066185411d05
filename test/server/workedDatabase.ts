import { expect } from 'vitest'
import { setup } from './helpers.ts'

/** A SQLite database at `path` with three tickets of the support example, each claimed, started and noted by the agent; their ids. */
export async function workedDatabase(path: string): Promise<string[]> {
  const ctx = await setup({ path })
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const opened = await ctx.call('POST', '/api/tickets', ctx.tokens.agent, {
      sopId: 'support-ticket',
      channel: 'phone',
      subject: `Charged twice ${i}`,
    })
    const id = opened.body.ticket.id as string
    ids.push(id)
    expect(
      (await ctx.call('POST', `/api/tickets/${id}/claim`, ctx.tokens.agent, { version: 1 })).status,
    ).toBe(200)
    const started = await ctx.call('POST', `/api/tickets/${id}/actions`, ctx.tokens.agent, {
      action: 'start',
      version: 2,
      fields: { customer_name: 'Nguyễn Thị Lan', problem_summary: 'Card payment charged twice' },
      ticks: { intake: ['greet', 'listen'] },
    })
    expect(started.status).toBe(200)
    const note = await ctx.call('POST', `/api/tickets/${id}/notes`, ctx.tokens.agent, { text: `note ${i}` })
    expect(note.status).toBeLessThan(300)
  }
  await ctx.storage.close()
  return ids
}
