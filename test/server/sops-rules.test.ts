import { afterEach, describe, expect, it } from 'vitest'
import { example, setup } from './helpers.ts'

type Ctx = Awaited<ReturnType<typeof setup>>
let ctx: Ctx

afterEach(async () => ctx?.storage.close())

async function start() {
  ctx = await setup()
  const c = ctx
  const call = (method: string, path: string, body?: unknown) =>
    c.call(method, `/api/sops${path}`, c.tokens.owner, body)
  return { c, call }
}
const doc = (id: string) => ({ ...(example('support-ticket') as Record<string, unknown>), id })

describe('SOP route rules', () => {
  it('creates a draft under its trimmed id, answering revision 1, no versions, not archived', async () => {
    const { call } = await start()
    const r = await call('POST', '', { document: { ...doc('x'), id: '  refunds-2_b  ' } })
    expect(r.status).toBe(201)
    expect(r.body.id).toBe('refunds-2_b')
    expect(r.body).toMatchObject({ revision: 1, versions: [], archived: false })
    const read = await call('GET', '/refunds-2_b')
    expect(read.body).toMatchObject({ id: 'refunds-2_b', revision: 1, versions: [], archived: false })
  })

  it('refuses a missing, blank or ill-formed id, naming document.id, and stores nothing', async () => {
    const { call } = await start()
    const before = (await call('GET', '')).body.length
    for (const id of [undefined, 42, '   ', '-lead', 'has space', 'ü', 'x'.repeat(81)]) {
      const r = await call('POST', '', { document: { ...doc('x'), id } })
      expect(r.status, String(id)).toBe(400)
      expect(r.body.code).toBe('invalid_request')
      expect(r.body.detail).toBe('document.id must be a short id of letters, digits, - and _')
      expect(r.body.errors).toEqual([{ path: 'document.id', message: 'letters, digits, - and _' }])
    }
    expect((await call('POST', '', { document: doc('x'.repeat(80)) })).status).toBe(201)
    expect((await call('POST', '', { document: doc('A1') })).status).toBe(201)
    expect((await call('GET', '')).body.length).toBe(before + 2)
  })

  it('an id in use is 409 sop_exists', async () => {
    const { call } = await start()
    const r = await call('POST', '', { document: doc('support-ticket') })
    expect([r.status, r.body.code]).toEqual([409, 'sop_exists'])
    expect(r.body.detail).toBe('An SOP with id "support-ticket" already exists')
  })

  it('a draft keeps its id: another id is refused, none or the same is saved under it', async () => {
    const { call } = await start()
    const other = await call('PUT', '/support-ticket', { document: doc('other') })
    expect(other.status).toBe(400)
    expect(other.body.detail).toBe('document.id must stay "support-ticket"')
    expect((await call('GET', '/other')).status).toBe(404)
    const { id: _drop, ...noId } = doc('x')
    const saved = await call('PUT', '/support-ticket', { document: { ...noId, title: 'Renamed' } })
    expect(saved.status).toBe(200)
    expect(saved.body.document.id).toBe('support-ticket')
    expect(saved.body.valid).toBe(true)
    expect((await call('GET', '/support-ticket')).body.document).toMatchObject({
      id: 'support-ticket',
      title: 'Renamed',
    })
  })

  it('validates a given document, or the stored draft when none is given', async () => {
    const { call } = await start()
    const draft = await call('POST', '/support-ticket/validate', {})
    expect(draft.body).toEqual({ valid: true, diagnostics: [] })
    const broken = await call('POST', '/support-ticket/validate', {
      document: { ...doc('support-ticket'), initial: 'nowhere' },
    })
    expect(broken.body.valid).toBe(false)
    expect(broken.body.diagnostics.length).toBeGreaterThan(0)
    expect((await call('POST', '/nope/validate', {})).status).toBe(404)
  })

  it('publishing an unchanged draft is 422 naming the version; an archived SOP neither publishes nor lists', async () => {
    const { call } = await start()
    const same = await call('POST', '/support-ticket/publish')
    expect([same.status, same.body.code]).toEqual([422, 'unchanged'])
    expect(same.body.detail).toBe('The draft is the same as version 1; nothing to publish')
    expect(same.body.version).toBe(1)
    expect((await call('POST', '/support-ticket/archive')).body).toEqual({
      id: 'support-ticket',
      archived: true,
    })
    const archived = await call('POST', '/support-ticket/publish')
    expect([archived.status, archived.body.code]).toEqual([422, 'sop_archived'])
    expect(archived.body.detail).toBe('SOP "support-ticket" is archived')
    const ids = async (q: string) => (await call('GET', q)).body.map((s: { id: string }) => s.id)
    expect(await ids('')).not.toContain('support-ticket')
    expect(await ids('?archived=true')).toContain('support-ticket')
    expect(await ids('?archived=yes')).not.toContain('support-ticket')
    expect((await call('POST', '/support-ticket/unarchive')).body).toEqual({
      id: 'support-ticket',
      archived: false,
    })
    expect(await ids('')).toContain('support-ticket')
    expect((await call('GET', '/support-ticket')).body.archived).toBe(false)
    expect((await call('POST', '/nope/archive')).status).toBe(404)
    expect((await call('POST', '/nope/unarchive')).status).toBe(404)
  })

  it('a version is read by a whole number from 1; one not published is 404 naming it', async () => {
    const { call } = await start()
    expect((await call('GET', '/support-ticket/versions/1')).body.version).toBe(1)
    for (const n of ['0', '-1', '1.5', 'first']) {
      const r = await call('GET', `/support-ticket/versions/${n}`)
      expect(r.status, n).toBe(400)
      expect(r.body.detail).toBe('The version must be a number from 1')
    }
    const missing = await call('GET', '/support-ticket/versions/9')
    expect(missing.status).toBe(404)
    expect(missing.body.params).toEqual({ kind: 'sop_version', id: 'support-ticket@9' })
    const unknown = await call('GET', '/nope')
    expect(unknown.body.params).toEqual({ kind: 'sop', id: 'nope' })
  })
})
