import { describe, expect, it } from 'vitest'
import { type Notice, NoticeHub, toNotice } from '../../server/notifications/notifications.ts'

const notice = (userId: string, id = 'n1'): Notice => ({
  id,
  userId,
  ticketId: 't_1',
  kind: 'assigned',
  params: { ticket: 'T-1' },
  createdAt: '2026-03-02T08:00:00.000Z',
  readAt: null,
})

describe('notice hub rules', () => {
  it("hands a notice to each of its user's listeners only, until they stop listening", async () => {
    const hub = new NoticeHub()
    const got: string[] = []
    const stopA = hub.listen('u1', (n) => got.push(`a:${n.id}`))
    hub.listen('u1', (n) => got.push(`b:${n.id}`))
    hub.listen('u2', (n) => got.push(`other:${n.id}`))
    await hub.publish(notice('u1', 'n1'))
    expect(got).toEqual(['a:n1', 'b:n1'])
    stopA()
    await hub.publish(notice('u1', 'n2'))
    expect(got).toEqual(['a:n1', 'b:n1', 'b:n2'])
    // Nobody listening: nothing happens.
    await hub.publish(notice('u3', 'n3'))
    expect(got).toHaveLength(3)
  })

  it('with a relay, notices go out through it and not straight to the streams', async () => {
    const hub = new NoticeHub()
    const got: string[] = []
    const relayed: string[] = []
    hub.listen('u1', (n) => got.push(n.id))
    hub.relayThrough(async (n) => {
      relayed.push(n.id)
      // The relay hands it back, as PostgreSQL's does on every server.
      hub.deliver(n)
    })
    await hub.publish(notice('u1', 'n1'))
    expect(relayed).toEqual(['n1'])
    expect(got).toEqual(['n1'])
    hub.relayThrough(null)
    await hub.publish(notice('u1', 'n2'))
    expect(relayed).toEqual(['n1'])
    expect(got).toEqual(['n1', 'n2'])
  })

  it('when the relay fails, the notice still reaches this server’s streams and the failure is logged', async () => {
    const lines: string[] = []
    const hub = new NoticeHub((l) => lines.push(l))
    const got: string[] = []
    hub.listen('u1', (n) => got.push(n.id))
    hub.relayThrough(async () => {
      throw new Error('connection lost')
    })
    await hub.publish(notice('u1', 'n1'))
    expect(got).toEqual(['n1'])
    expect(lines).toEqual(['notices: not relayed to the other servers: connection lost'])
  })

  it('reads a stored row, with no ticket and no read time as null', () => {
    const row = {
      id: 'n1',
      user_id: 'u1',
      ticket_id: undefined,
      kind: 'sla_breached',
      params: '{"step":"Diagnose"}',
      created_at: '2026-03-02T08:00:00.000Z',
      read_at: undefined,
    }
    expect(toNotice(row)).toEqual({
      id: 'n1',
      userId: 'u1',
      ticketId: null,
      kind: 'sla_breached',
      params: { step: 'Diagnose' },
      createdAt: '2026-03-02T08:00:00.000Z',
      readAt: null,
    })
    expect(toNotice({ ...row, read_at: '2026-03-02T09:00:00.000Z' }).readAt).toBe('2026-03-02T09:00:00.000Z')
  })
})
