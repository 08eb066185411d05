/**
 * Module resolution hooks of the mutation test host (`host.mjs`). A module under the project's
 * root is imported with the query of the module importing it, so one query names one loading:
 * `?g=<generation>&t=<run>` on a test file gives fresh copies of the test modules it imports (as
 * each run of vitest would), and of the shared modules (sopflow's own: `shared`, prefixes of paths
 * from the root) only when the generation is not the kept one (`base`). Packages under
 * node_modules and files outside the root are never reloaded.
 */
let root = ''
let shared = []

export function initialize(data) {
  root = data.root
  shared = data.shared.map((prefix) => `${root}${prefix}`)
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  const parent = context.parentURL
  const at = parent ? parent.indexOf('?g=') : -1
  const { url } = resolved
  if (at < 0 || !url.startsWith(root) || url.includes('?') || url.includes('/node_modules/')) return resolved
  const query = new URLSearchParams(parent.slice(at + 1))
  if (!shared.some((prefix) => url.startsWith(prefix))) return { ...resolved, url: `${url}?${query}` }
  const generation = query.get('g') ?? 'base'
  return generation === 'base' ? resolved : { ...resolved, url: `${url}?g=${generation}` }
}
