import { describe, expect, it } from 'vitest'
import { createWithFreshNumber, NUMBER_ATTEMPTS } from '../../server/services/createTicketRetry.ts'
import { RefusedError } from '../../server/storage/refused.ts'

const duplicate = () => new RefusedError('duplicate_number', 'tickets.number taken')

describe('creating a ticket with a fresh number', () => {
  it('gives eight attempts', () => {
    expect(NUMBER_ATTEMPTS).toBe(8)
  })

  it('returns the first attempt that goes through, after numbers another server took first', async () => {
    let calls = 0
    const made = await createWithFreshNumber(async () => {
      calls++
      if (calls < 3) throw duplicate()
      return `ticket ${calls}`
    })
    expect(made).toBe('ticket 3')
    expect(calls).toBe(3)
  })

  it('gives up after the eighth duplicate number, throwing that refusal', async () => {
    let calls = 0
    const last = duplicate()
    const err = await createWithFreshNumber(async () => {
      calls++
      throw calls === NUMBER_ATTEMPTS ? last : duplicate()
    }).catch((e) => e)
    expect(err).toBe(last)
    expect(calls).toBe(NUMBER_ATTEMPTS)
  })

  it('goes through on the eighth attempt after seven duplicates', async () => {
    let calls = 0
    const made = await createWithFreshNumber(async () => {
      calls++
      if (calls < NUMBER_ATTEMPTS) throw duplicate()
      return calls
    })
    expect(made).toBe(NUMBER_ATTEMPTS)
  })

  it('throws any other refusal or error at once, without a second attempt', async () => {
    for (const thrown of [
      new RefusedError('duplicate_message', 'channel_messages.id taken'),
      new RefusedError('storage_error', 'disk full'),
      Object.assign(new Error('tickets.number taken'), { code: 'duplicate_number' }),
    ]) {
      let calls = 0
      const err = await createWithFreshNumber(async () => {
        calls++
        throw thrown
      }).catch((e) => e)
      expect(err).toBe(thrown)
      expect(calls).toBe(1)
    }
  })
})
