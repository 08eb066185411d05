import * as client from 'openid-client'
import { Problem } from '../http/problem.ts'
import { newId } from '../services/crypto.ts'
import type { Clock } from '../services/tickets.ts'
import type { Account, AuthStore } from '../storage/authTypes.ts'
import { ROLES, type Role } from '../storage/types.ts'

export interface OidcConfig {
  /** The provider's issuer URL (its discovery document is at `/.well-known/openid-configuration`). */
  issuer: string
  clientId: string
  clientSecret: string
  /** This server's callback as registered at the provider: `https://…/api/auth/oidc/callback`. */
  redirectUri: string
  /** The role of a person created at their first sign-in (default `agent`). */
  defaultRole?: Role
  /** A claim of the ID token naming the role (a string or a list; the first sopflow role in it wins). */
  roleClaim?: string
  /** The button's text, e.g. "Google" (default: "SSO"). */
  label?: string
  /** Allow an `http:` issuer (only for a provider on this machine, e.g. in tests). */
  allowHttp?: boolean
}

/** A sign-in in progress is forgotten after 10 minutes. */
const PENDING_MS = 10 * 60_000

/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE, state and nonce).
 * People are matched by their verified e-mail; one who is not known yet is created at the first
 * sign-in with the role from the configured claim, or the default role.
 */
export class Oidc {
  private discovered: Promise<client.Configuration> | null = null

  constructor(
    readonly config: OidcConfig,
    private readonly store: AuthStore,
    private readonly clock: Clock,
  ) {}

  private configuration(): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(
        new URL(this.config.issuer),
        this.config.clientId,
        { client_secret: this.config.clientSecret, redirect_uris: [this.config.redirectUri] },
        client.ClientSecretBasic(this.config.clientSecret),
        this.config.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err) => {
        this.discovered = null
        throw new Problem(
          502,
          'sso_failed',
          `The sign-in provider cannot be reached: ${(err as Error).message}`,
          {
            params: { reason: 'unreachable' },
          },
        )
      })
    return this.discovered
  }

  /** The provider's address to send the browser to, and the state that names this attempt. */
  async start(): Promise<{ url: string; state: string }> {
    const config = await this.configuration()
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const now = this.clock().getTime()
    // Kept in the database, so that the callback may reach any server process.
    await this.store.addPending(state, verifier, nonce, now, now - PENDING_MS)
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.config.redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    return { url: url.href, state }
  }

  /**
   * Completes a sign-in from the provider's answer (`search`: the callback's query string) for the
   * state remembered in this browser's cookie; returns the account to open a session for.
   */
  async finish(search: string, cookieState: string | undefined): Promise<Account> {
    const params = new URLSearchParams(search)
    const state = params.get('state') ?? ''
    const pending = state ? await this.store.takePending(state) : null
    if (!pending || !cookieState || cookieState !== state || this.clock().getTime() - pending.at > PENDING_MS)
      throw new Problem(
        400,
        'sso_failed',
        'This sign-in was not started here or took too long; start again',
        {
          params: { reason: 'state' },
        },
      )
    const config = await this.configuration()
    const current = new URL(this.config.redirectUri)
    current.search = search
    let claims: Record<string, unknown>
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      })
      const idToken = tokens.claims() as client.IDToken
      claims = { ...idToken }
      // Many providers put the e-mail address only in the UserInfo answer, not the ID token.
      if (typeof claims.email !== 'string')
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...claims }
    } catch (err) {
      throw new Problem(
        400,
        'sso_failed',
        `The sign-in provider refused the sign-in: ${(err as Error).message}`,
        {
          params: { reason: 'refused' },
        },
      )
    }
    // Stryker disable next-line MethodExpression: the account store trims the address it looks up and keeps, too
    const email = typeof claims.email === 'string' ? claims.email.trim() : ''
    if (!email || claims.email_verified !== true)
      throw new Problem(403, 'sso_failed', 'The sign-in provider did not give a verified e-mail address', {
        params: { reason: 'unverified' },
      })
    const known = await this.store.accountByEmail(email)
    if (known) return known
    const user = {
      id: newId('u'),
      name: (typeof claims.name === 'string' && claims.name.trim()) || email,
      role: this.roleFrom(claims),
      team: null,
      createdAt: this.clock().toISOString(),
    }
    await this.store.createPerson(user, email)
    return (await this.store.accountById(user.id)) as Account
  }

  private roleFrom(claims: Record<string, unknown>): Role {
    const fallback = this.config.defaultRole ?? 'agent'
    // Stryker disable next-line ConditionalExpression: without a claim name, the look-up below finds nothing and answers the fallback too
    if (!this.config.roleClaim) return fallback
    const v = claims[this.config.roleClaim]
    const values = Array.isArray(v) ? v : [v]
    return (values.find((r) => ROLES.includes(r as Role)) as Role | undefined) ?? fallback
  }
}
