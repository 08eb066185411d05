/**
 * The one module through which the web app reaches the sopflow API. Resource functions live in
 * the modules beside it and call `request` only.
 */

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  code?: string
  [key: string]: unknown
}

export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title)
    this.status = problem.status
    this.problem = problem
  }
}

/**
 * People sign in with a session cookie (HttpOnly: the page never sees it); writes send the
 * session's CSRF token from the `sopflow_csrf` cookie. An API token typed into the advanced
 * sign-in is kept in localStorage and sent as a bearer token instead.
 */
const TOKEN_KEY = 'sopflow.token'

/** Fired on window when the server answers 401: the session ended or the token is no longer valid. */
export const SIGNED_OUT_EVENT = 'sopflow:signed-out'

function csrfToken(): string | null {
  const m = /(?:^|;\s*)sopflow_csrf=([^;]+)/.exec(document.cookie)
  return m ? decodeURIComponent(m[1]) : null
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY)
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token)
  else localStorage.removeItem(TOKEN_KEY)
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const token = getToken()
  const csrf = token ? null : csrfToken()
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  // Signing in is not "signed out"; any other 401 tells the shell, which asks to sign in again
  // over the page, so that nothing typed is lost.
  if (res.status === 401 && !path.startsWith('/auth/'))
    window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT))
  const text = await res.text()
  const data = text ? JSON.parse(text) : undefined
  if (!res.ok) {
    throw new ApiError(
      data && typeof data === 'object'
        ? (data as Problem)
        : { type: 'about:blank', title: res.statusText, status: res.status },
    )
  }
  return data as T
}
