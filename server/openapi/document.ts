import { z } from 'zod'
import { sopDocumentSchema } from '../../engine/index.ts'
import { permissionOf } from '../auth/permissions.ts'
import { webhooksSection } from '../outbox/openapi.ts'
import { ops } from './operations.ts'

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
    // Who may call it comes from the permission table; an operation missing there is refused.
    const rule = permissionOf(op.method, op.path)
    const roles = rule
      ? rule.roles === 'public'
        ? 'public'
        : rule.roles === 'session'
          ? 'any signed-in person, with their session cookie'
          : rule.roles.join(', ')
      : 'nobody'
    const listed = rule && rule.roles !== 'public' && rule.roles !== 'session'
    paths[op.path] ??= {}
    paths[op.path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      description: [
        `Roles: ${roles}`,
        listed ? `Token scopes: ${rule.scopes.join(', ')}` : '',
        rule?.ownership
          ? 'Only the assignee of a claimed or assigned ticket, or a supervisor or administrator'
          : '',
        op.notes ?? '',
      ]
        .filter(Boolean)
        .join('. '),
      'x-roles': listed ? [...(rule.roles as readonly string[])] : [],
      'x-public': rule?.roles === 'public',
      'x-scopes': listed ? [...rule.scopes] : [],
      'x-ownership': Boolean(rule?.ownership),
      security:
        rule?.roles === 'public'
          ? []
          : rule?.roles === 'session'
            ? [{ session: [] }]
            : [{ bearer: rule ? [...rule.scopes] : [] }, { session: [] }],
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
        "Runs support tickets through their Standard Operating Procedures. Authenticate with `Authorization: Bearer <token>` (an API token; its scopes narrow what its user's role allows) or a signed-in session. Each operation lists the roles (`x-roles`) and token scopes (`x-scopes`) that may call it, from the one permission table of the server. Errors are RFC 9457 problem documents with a stable `code`.",
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "An API token; its scopes narrow what its user's role allows",
        },
        session: { type: 'apiKey', in: 'cookie', name: 'sopflow_session', description: 'A signed-in person' },
      },
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
    security: [{ bearer: [] }, { session: [] }],
    paths,
    webhooks: webhooksSection(),
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
.get{background:#2563eb}.post{background:#059669}.put{background:#d97706}.delete{background:#dc2626}pre{background:#f3f4f6;padding:.5rem;overflow:auto}</style></head>
<body><h1>sopflow API</h1><p>${esc(String((doc.info as { description: string }).description))}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${rows}</body></html>`
}
