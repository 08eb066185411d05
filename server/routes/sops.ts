import { Hono } from 'hono'
import { validate } from '../../engine/index.ts'
import type { AppEnv } from '../auth/roles.ts'
import { compileForPublish, publishPinned } from '../calendars/store.ts'
import { jsonBody, notFound, Problem, parse } from '../http/problem.ts'
import { schemas } from '../schemas.ts'
import type { Clock } from '../services/tickets.ts'
import type { Storage } from '../storage/types.ts'

/** SOPs: drafts, validation, immutable numbered versions. */
export function sopRoutes(storage: Storage, clock: Clock) {
  const app = new Hono<AppEnv>()
  const now = () => clock().toISOString()
  const load = async (id: string) => {
    const sop = await storage.getSop(id)
    if (!sop) throw notFound('SOP', id)
    return sop
  }

  app.get('/', async (c) => c.json(await storage.listSops(c.req.query('archived') === 'true')))

  app.post('/', async (c) => {
    const { document } = parse(schemas.sopCreate, await jsonBody(c))
    const id = typeof document.id === 'string' && document.id.trim() ? document.id.trim() : null
    if (!id || !/^[a-z0-9][a-z0-9_-]{0,79}$/i.test(id)) {
      throw new Problem(
        400,
        'invalid_request',
        'document.id must be a short id of letters, digits, - and _',
        {
          errors: [{ path: 'document.id', message: 'letters, digits, - and _' }],
        },
      )
    }
    if (await storage.getSop(id))
      throw new Problem(409, 'sop_exists', `An SOP with id "${id}" already exists`)
    const at = now()
    await storage.createSop({
      id,
      draft: document,
      archived: false,
      createdAt: at,
      updatedAt: at,
      createdBy: c.get('user').id,
    })
    return c.json({ id, document, revision: 1, versions: [], archived: false }, 201)
  })

  app.get('/:id', async (c) => {
    const sop = await load(c.req.param('id'))
    return c.json({
      id: sop.id,
      document: sop.draft,
      revision: sop.draftRevision ?? 1,
      versions: await storage.listVersions(sop.id),
      archived: sop.archived,
      updatedAt: sop.updatedAt,
    })
  })

  app.put('/:id', async (c) => {
    const sop = await load(c.req.param('id'))
    const { document, baseRevision } = parse(schemas.sopSave, await jsonBody(c))
    if (document.id !== undefined && document.id !== sop.id) {
      throw new Problem(400, 'invalid_request', `document.id must stay "${sop.id}"`)
    }
    const revision = await storage.saveDraft(sop.id, { ...document, id: sop.id }, now(), baseRevision)
    const result = validate({ ...document, id: sop.id })
    return c.json({
      id: sop.id,
      document: { ...document, id: sop.id },
      revision,
      valid: result.valid,
      diagnostics: result.diagnostics,
    })
  })

  app.post('/:id/validate', async (c) => {
    const sop = await load(c.req.param('id'))
    const body = parse(schemas.sopValidate, await jsonBody(c))
    const result = validate(body.document ?? sop.draft)
    return c.json({ valid: result.valid, diagnostics: result.diagnostics })
  })

  app.post('/:id/publish', async (c) => {
    const sop = await load(c.req.param('id'))
    if (sop.archived) throw new Problem(422, 'sop_archived', `SOP "${sop.id}" is archived`)
    const compiled = await compileForPublish(storage, sop.draft)
    const latest = await storage.latestVersion(sop.id)
    if (latest?.hash === compiled.hash) {
      throw new Problem(
        422,
        'unchanged',
        `The draft is the same as version ${latest.version}; nothing to publish`,
        {
          version: latest.version,
        },
      )
    }
    const v = await publishPinned(storage, compiled, {
      sopId: sop.id,
      publishedAt: now(),
      publishedBy: c.get('user').id,
    })
    return c.json({ version: v.version, hash: v.hash, publishedAt: v.publishedAt }, 201)
  })

  app.get('/:id/versions/:n', async (c) => {
    const n = Number(c.req.param('n'))
    if (!Number.isInteger(n) || n < 1)
      throw new Problem(400, 'invalid_request', 'The version must be a number from 1')
    const v = await storage.getVersion(c.req.param('id'), n)
    if (!v) throw notFound('SOP version', `${c.req.param('id')}@${n}`)
    return c.json(v)
  })

  app.post('/:id/archive', async (c) => {
    const sop = await load(c.req.param('id'))
    await storage.setArchived(sop.id, true, now())
    return c.json({ id: sop.id, archived: true })
  })

  app.post('/:id/unarchive', async (c) => {
    const sop = await load(c.req.param('id'))
    await storage.setArchived(sop.id, false, now())
    return c.json({ id: sop.id, archived: false })
  })

  return app
}
