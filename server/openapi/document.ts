import { z } from 'zod'
import { calendarSchema, sopDocumentSchema } from '../../engine/index.ts'
import { ledgerSchemas } from '../ledger/routes.ts'
import { schemas } from '../schemas.ts'

type Op = {
  method: 'get' | 'post' | 'put'
  path: string
  summary: string
  tag: string
  body?: z.ZodType
  query?: z.ZodObject
  roles?: string
  /** More about the operation than its roles (concurrency, conflicts). */
  notes?: string
  /** Answers beyond 200 and the generic 4XX problem. */
  responses?: Record<string, string>
}

const ops: Op[] = [
  { method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'Users' },
  { method: 'get', path: '/api/users', summary: 'List users', tag: 'Users', roles: 'supervisor, admin' },
  {
    method: 'post',
    path: '/api/users',
    summary: 'Create a user and their first token',
    tag: 'Users',
    body: schemas.userCreate,
    roles: 'admin',
  },
  {
    method: 'get',
    path: '/api/roles',
    summary: "The roles that work tickets, for an SOP's steps and actions",
    tag: 'Users',
  },
  { method: 'get', path: '/api/sops', summary: 'List SOPs', tag: 'SOPs' },
  {
    method: 'post',
    path: '/api/sops',
    summary: 'Create an SOP draft',
    tag: 'SOPs',
    body: schemas.sopCreate,
    roles: 'owner',
  },
  { method: 'get', path: '/api/sops/{id}', summary: 'An SOP: its draft and versions', tag: 'SOPs' },
  {
    method: 'put',
    path: '/api/sops/{id}',
    summary: 'Save the draft (valid or not)',
    tag: 'SOPs',
    body: schemas.sopSave,
    roles: 'owner',
    notes:
      'Optimistic concurrency: send `baseRevision`, the `revision` of the draft you edited (GET /api/sops/{id} and every PUT return it). If the draft was saved since, nothing is saved and the answer is 409 with code `draft_conflict` and `params: { id, baseRevision, revision }`. A save without `baseRevision` always applies.',
    responses: {
      '409': 'draft_conflict: the draft has a newer revision than `baseRevision` (see `params.revision`)',
    },
  },
  {
    method: 'post',
    path: '/api/sops/{id}/validate',
    summary: 'Diagnostics for the draft or a given document',
    tag: 'SOPs',
    body: schemas.sopValidate,
  },
  {
    method: 'post',
    path: '/api/sops/{id}/publish',
    summary: 'Publish the draft as the next immutable version',
    tag: 'SOPs',
    roles: 'owner',
  },
  { method: 'get', path: '/api/sops/{id}/versions/{n}', summary: 'A published version', tag: 'SOPs' },
  {
    method: 'get',
    path: '/api/calendars',
    summary: 'Calendars: the latest version of each',
    tag: 'Calendars',
  },
  {
    method: 'get',
    path: '/api/calendars/{id}',
    summary: 'A calendar: its latest version and the list of versions',
    tag: 'Calendars',
  },
  {
    method: 'put',
    path: '/api/calendars/{id}',
    summary: 'Save a calendar as its next immutable version (public holidays of `holidayRegions` resolved)',
    tag: 'Calendars',
    body: calendarSchema,
    roles: 'owner',
    notes:
      'SOP versions published afterwards pin this version; earlier SOP versions keep the calendar version they pinned.',
  },
  {
    method: 'get',
    path: '/api/calendars/{id}/versions/{n}',
    summary: 'A calendar version',
    tag: 'Calendars',
  },
  { method: 'post', path: '/api/sops/{id}/archive', summary: 'Archive an SOP', tag: 'SOPs', roles: 'owner' },
  { method: 'get', path: '/api/customers', summary: 'Search customers (?q=)', tag: 'Customers' },
  {
    method: 'post',
    path: '/api/customers',
    summary: 'Create a customer',
    tag: 'Customers',
    body: schemas.customer,
  },
  {
    method: 'get',
    path: '/api/customers/{id}',
    summary: 'A customer with tickets and surveys',
    tag: 'Customers',
  },
  {
    method: 'put',
    path: '/api/customers/{id}',
    summary: 'Update a customer',
    tag: 'Customers',
    body: schemas.customer,
  },
  {
    method: 'post',
    path: '/api/customers/{id}/surveys',
    summary: 'Record a CSAT/NPS/CES survey',
    tag: 'Customers',
    body: schemas.survey,
  },
  {
    method: 'get',
    path: '/api/tickets',
    summary: 'List tickets, most urgent first',
    tag: 'Tickets',
    query: schemas.ticketQuery,
  },
  {
    method: 'post',
    path: '/api/tickets',
    summary: 'Open a ticket on the latest version of an SOP',
    tag: 'Tickets',
    body: schemas.ticketCreate,
    roles: 'agent, senior_agent, supervisor',
  },
  { method: 'get', path: '/api/tickets/{id}', summary: 'A ticket with its step prompt', tag: 'Tickets' },
  {
    method: 'post',
    path: '/api/tickets/{id}/actions',
    summary: 'Take an action (Idempotency-Key supported)',
    tag: 'Tickets',
    body: schemas.action,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/update',
    summary: 'Save fields and checklist ticks',
    tag: 'Tickets',
    body: schemas.update,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/override',
    summary: 'Move a ticket to a step, with a reason',
    tag: 'Tickets',
    body: schemas.override,
    roles: 'supervisor',
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/claim',
    summary: 'Take a ticket',
    tag: 'Tickets',
    body: schemas.claim,
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/assign',
    summary: 'Assign to a user or queue',
    tag: 'Tickets',
    body: schemas.assign,
    roles: 'supervisor',
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/notes',
    summary: 'Add a note',
    tag: 'Tickets',
    body: schemas.note,
  },
  { method: 'get', path: '/api/tickets/{id}/history', summary: 'The full audit history', tag: 'Audit' },
  {
    method: 'get',
    path: '/api/tickets/{id}/verify',
    summary: 'Verify the hash chain and replay',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/tickets/{id}/evidence',
    summary:
      'Download the evidence bundle (v2: records, inclusion proofs, signed tree head; ?size= a signed head)',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/ledger/head',
    summary: 'The latest signed tree head of the ledger',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/ledger/proof/inclusion',
    summary: 'Inclusion proof of a leaf (?leaf=, ?size= default the latest head)',
    tag: 'Audit',
    query: ledgerSchemas.inclusionQuery,
  },
  {
    method: 'get',
    path: '/api/ledger/proof/consistency',
    summary: 'Consistency proof between two tree sizes (?from=, ?to= default the latest head)',
    tag: 'Audit',
    query: ledgerSchemas.consistencyQuery,
  },
  {
    method: 'get',
    path: '/api/keys',
    summary: 'The public key tree heads and bundles are signed with',
    tag: 'Audit',
  },
  {
    method: 'get',
    path: '/api/metrics',
    summary: 'FRT, ATHT, FCR, volume, SLA breaches, per-step times, surveys',
    tag: 'Metrics',
    query: schemas.metricsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/tickets',
    summary: 'The tickets behind one figure (drill-down)',
    tag: 'Metrics',
    query: schemas.metricsTicketsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/workload',
    summary: 'Open tickets per agent and per team: age and overdue count',
    tag: 'Metrics',
    query: schemas.metricsQuery,
  },
  {
    method: 'get',
    path: '/api/metrics/options',
    summary: 'The filter choices: SOPs with their versions, and teams',
    tag: 'Metrics',
  },
  {
    method: 'get',
    path: '/api/audit/tickets',
    summary: 'Find tickets by id, customer, text, SOP, version, status or date, each verified',
    tag: 'Audit',
    query: schemas.auditQuery,
  },
]

const problem = {
  description: 'An RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of ops) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (op.query) {
      const shape = op.query.shape as Record<string, z.ZodType>
      for (const [name, schema] of Object.entries(shape)) {
        params.push({
          name,
          in: 'query',
          required: false,
          schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as never,
        })
      }
    }
    paths[op.path] ??= {}
    paths[op.path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.roles || op.notes
        ? { description: [op.roles ? `Roles: ${op.roles}` : '', op.notes ?? ''].filter(Boolean).join('. ') }
        : {}),
      parameters: params,
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: {
        '200': { description: 'OK' },
        ...Object.fromEntries(
          Object.entries(op.responses ?? {}).map(([status, description]) => [
            status,
            { ...problem, description },
          ]),
        ),
        '4XX': problem,
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sopflow API',
      version: '1.0.0',
      description:
        'Runs support tickets through their Standard Operating Procedures. Authenticate with `Authorization: Bearer <token>`. Errors are RFC 9457 problem documents with a stable `code`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            params: { type: 'object', description: 'What the client needs to act on the problem' },
          },
        },
        SopDocument: z.toJSONSchema(sopDocumentSchema, { io: 'input', unrepresentable: 'any' }),
      },
    },
    security: [{ bearer: [] }],
    paths,
  }
}

/** A readable, self-contained page listing every operation of the OpenAPI document. */
export function docsPage(doc: Record<string, unknown>): string {
  const esc = (s: string) =>
    s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`)
  const paths = doc.paths as Record<
    string,
    Record<
      string,
      {
        summary: string
        description?: string
        requestBody?: unknown
        parameters: { name: string; in: string }[]
      }
    >
  >
  const rows = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([
          method,
          op,
        ]) => `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? ` <em>(${esc(op.description)})</em>` : ''}</p>
${
  op.parameters.filter((p) => p.in === 'query').length
    ? `<p>Query: ${op.parameters
        .filter((p) => p.in === 'query')
        .map((p) => `<code>${esc(p.name)}</code>`)
        .join(', ')}</p>`
    : ''
}
${op.requestBody ? `<details><summary>Request body schema</summary><pre>${esc(JSON.stringify((op.requestBody as { content: { 'application/json': { schema: unknown } } }).content['application/json'].schema, null, 2))}</pre></details>` : ''}</section>`,
      ),
    )
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sopflow API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937}
h3{margin:.2rem 0;font-size:1rem}section{border-bottom:1px solid #e5e7eb;padding:.6rem 0}.m{display:inline-block;min-width:3.5rem;font-size:.75rem;padding:.1rem .3rem;border-radius:4px;color:#fff;text-align:center}
.get{background:#2563eb}.post{background:#059669}.put{background:#d97706}pre{background:#f3f4f6;padding:.5rem;overflow:auto}</style></head>
<body><h1>sopflow API</h1><p>${esc(String((doc.info as { description: string }).description))}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${rows}</body></html>`
}
