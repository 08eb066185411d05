import { describe, expect, it } from 'vitest'
import { DatabaseUrlError, databaseTarget } from '../../server/storage/databaseUrl.ts'
import { asRefusal, RefusedError, refusalCode, refused } from '../../server/storage/refused.ts'
import { containing } from '../../server/storage/sqlDialect.ts'
import { phoneDigits } from '../../server/storage/ticketQueries.ts'

/** What `--db` names, how database errors are named as refusals, and LIKE patterns. */
describe('database targets', () => {
  it('takes a path, nothing, :memory: or a one-letter drive for SQLite', () => {
    for (const path of ['data/sopflow.db', '', ':memory:', 'C:\\data\\db.sqlite', '/tmp/a:b'])
      expect(databaseTarget(path)).toEqual({ kind: 'sqlite', path })
  })

  it('takes postgres:// and postgresql:// URLs, in any case, for PostgreSQL', () => {
    for (const url of ['postgres://u@h/db', 'postgresql://h/db', 'PostgreSQL://h/db'])
      expect(databaseTarget(url)).toEqual({ kind: 'postgres', url })
  })

  it('refuses any other scheme with a typed error naming the value and the scheme', () => {
    for (const [value, scheme] of [
      ['mysql://h/db', 'mysql'],
      ['sqlite:data.db', 'sqlite'],
      ['x1+y.z-w:rest', 'x1+y.z-w'],
    ]) {
      const err = (() => {
        try {
          databaseTarget(value)
        } catch (e) {
          return e
        }
      })()
      expect(err).toBeInstanceOf(DatabaseUrlError)
      expect(err).toMatchObject({ code: 'unknown_database_scheme', value, scheme, name: 'DatabaseUrlError' })
      expect((err as Error).message).toContain(`"${value}"`)
      expect((err as Error).message).toContain(`"${scheme}:"`)
    }
  })

  it('does not take a scheme that is not at the start of the value', () => {
    expect(databaseTarget('./mysql://x')).toEqual({ kind: 'sqlite', path: './mysql://x' })
    expect(databaseTarget('1ab:x')).toEqual({ kind: 'sqlite', path: '1ab:x' })
  })
})

describe('refusals', () => {
  it('names a duplicate ticket number from PostgreSQL’s constraint or SQLite’s message', () => {
    expect(refusalCode({ constraint: 'tickets_number_key', message: 'duplicate key' })).toBe(
      'duplicate_number',
    )
    expect(refusalCode({ message: 'UNIQUE constraint failed: tickets.number' })).toBe('duplicate_number')
    expect(refusalCode({ message: 'UNIQUE constraint failed: tickets.numbers' })).toBe('storage_error')
  })

  it('names a duplicate channel message from either database', () => {
    for (const constraint of ['channel_messages_external', 'channel_messages_pkey'])
      expect(refusalCode({ constraint, message: 'tickets.number' })).toBe('duplicate_message')
    for (const message of [
      'UNIQUE constraint failed: channel_messages.id',
      'UNIQUE constraint failed: channel_messages.connection_id, channel_messages.external_id',
    ])
      expect(refusalCode({ message })).toBe('duplicate_message')
    expect(refusalCode({ message: 'UNIQUE constraint failed: channel_messages.ids' })).toBe('storage_error')
  })

  it('reads the message only when the error names no constraint', () => {
    expect(refusalCode({ constraint: 'users_pkey', message: 'tickets.number' })).toBe('storage_error')
    expect(refusalCode({ constraint: 7, message: 'tickets.number' })).toBe('duplicate_number')
  })

  it('keeps the code of a unit already named, else names it from the database error, with the ticket', () => {
    const unit = { ticket: { id: 't_1' } }
    const named = refused({ code: 'duplicate_number', message: 'another server took it' }, unit)
    expect(named).toBeInstanceOf(RefusedError)
    expect(named).toMatchObject({
      code: 'duplicate_number',
      message: 'another server took it',
      params: { id: 't_1' },
      name: 'RefusedError',
    })
    expect(refused({ code: 'duplicate_message', message: 'x' }, unit).code).toBe('duplicate_message')
    expect(
      refused({ code: 'SQLITE_CONSTRAINT', message: 'UNIQUE constraint failed: tickets.number' }, unit).code,
    ).toBe('duplicate_number')
    expect(refused({ code: 'storage_error', message: 'disk full' }, unit).code).toBe('storage_error')
  })

  it('turns a database error for a message stored before into a duplicate_message refusal and leaves others', () => {
    const dup = new Error('UNIQUE constraint failed: channel_messages.id')
    const out = asRefusal(dup, { id: 'm_1' })
    expect(out).toBeInstanceOf(RefusedError)
    expect(out).toMatchObject({ code: 'duplicate_message', message: dup.message, params: { id: 'm_1' } })
    const other = new Error('disk I/O error')
    expect(asRefusal(other, { id: 'm_1' })).toBe(other)
    const notError = { message: 'UNIQUE constraint failed: channel_messages.id' }
    expect(asRefusal(notError, { id: 'm_1' })).toBe(notError)
  })
})

describe('LIKE patterns', () => {
  it('matches the text anywhere, with %, _ and backslash taken literally', () => {
    expect(containing('ab')).toBe('%ab%')
    expect(containing('50%_off\\')).toBe('%50\\%\\_off\\\\%')
  })
})

describe('phone numbers in a search text', () => {
  it('takes the digits of a text written like a phone number with at least three digits', () => {
    expect(phoneDigits('+84 (90) 555-01.01')).toBe('84905550101')
    expect(phoneDigits('555')).toBe('555')
    expect(phoneDigits('55')).toBe('')
    expect(phoneDigits('+ - .')).toBe('')
  })

  it('takes no digits from a text with anything else in it', () => {
    expect(phoneDigits('T-1042')).toBe('')
    expect(phoneDigits('555 card')).toBe('')
    expect(phoneDigits('x555')).toBe('')
    expect(phoneDigits('555x')).toBe('')
  })
})
