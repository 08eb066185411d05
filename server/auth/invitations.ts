import { randomBytes } from 'node:crypto'
import { Problem } from '../http/problem.ts'
import { sha256 } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import type { AuthStore, LinkPurpose, LinkRow } from '../storage/authTypes.ts'

/** How long a link stays valid, by purpose (ms). */
export interface LinkConfig {
  setupMs: number
  invitationMs: number
  resetMs: number
}

export const DEFAULT_LINKS: LinkConfig = {
  setupMs: 24 * 3600_000,
  invitationMs: 7 * 24 * 3600_000,
  resetMs: 24 * 3600_000,
}

/** The web app's page for each purpose: `#/setup/<secret>`, `#/invite/<secret>`, `#/reset/<secret>`. */
const PAGES: Record<LinkPurpose, string> = { setup: 'setup', invitation: 'invite', reset: 'reset' }

export const linkHash = (secret: string) => sha256(`sopflow-link:${secret}`)

export interface IssuedLink {
  secret: string
  /** The path and fragment to open, e.g. `/#/invite/…`; put the server's address in front. */
  path: string
  purpose: LinkPurpose
  expiresAt: string
}

/**
 * One-time links with which a person chooses a password: the first administrator's setup link,
 * an invitation, a forced reset. Only the link's hash is stored; it works once, until it expires,
 * and a newer link for the same person voids the older ones.
 */
export class Links {
  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    readonly config: LinkConfig = DEFAULT_LINKS,
  ) {}

  /** Issues a link (voiding the user's unused ones); inside a transaction, pass its handle as `tx`. */
  async issue(userId: string, purpose: LinkPurpose, tx: AuthStore = this.store): Promise<IssuedLink> {
    const secret = randomBytes(32).toString('base64url')
    const now = this.clock()
    const ttl =
      purpose === 'setup'
        ? this.config.setupMs
        : purpose === 'reset'
          ? this.config.resetMs
          : this.config.invitationMs
    const row: LinkRow = {
      hash: linkHash(secret),
      userId,
      purpose,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttl).toISOString(),
      usedAt: null,
    }
    await tx.voidLinksOf(userId, row.createdAt)
    await tx.insertLink(row)
    return { secret, path: `/#/${PAGES[purpose]}/${secret}`, purpose, expiresAt: row.expiresAt }
  }

  /** The link's row when it can still be used; else a 400 `link_invalid` (the same for every reason). */
  async valid(secret: string, tx: AuthStore = this.store): Promise<LinkRow> {
    const row = await tx.link(linkHash(secret))
    const now = this.clock().toISOString()
    if (!row || row.usedAt || row.expiresAt <= now)
      throw new Problem(
        400,
        'link_invalid',
        'This link is not valid: it was used already, has expired, or was replaced by a newer one',
      )
    return row
  }
}
