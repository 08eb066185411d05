import { z } from 'zod'
import { SCOPES } from '../auth/permissions.ts'
import { ROLES } from '../storage/types.ts'

const instant = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO-8601 instant (2026-03-02T08:00:00Z)',
  })

const tokenFields = {
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .refine((s) => new Set(s).size === s.length, { message: 'must not repeat a scope' }),
  /** When the token stops working; omitted or null: never. */
  expiresAt: instant.nullish(),
}

export const accessSchemas = {
  tokenCreate: z.object(tokenFields).strict(),
  /** An administrator's token for a service user (or any user). */
  serviceTokenCreate: z.object({ ...tokenFields, userId: z.string().min(1).max(100) }).strict(),
  roleChange: z.object({ role: z.enum(ROLES) }).strict(),
  teamChange: z.object({ team: z.string().min(1).max(100).nullable() }).strict(),
  adminLogQuery: z.object({
    action: z.string().max(100).optional(),
    target: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  }),
}
