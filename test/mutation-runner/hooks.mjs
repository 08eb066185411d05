/**
 * Module resolution hooks of the mutation test host (`host.mjs`). A module under the project's
 * root is imported with the query of the module importing it, so one query names one loading of
 * the project's modules: `?g=<generation>&t=<run>` on a test file gives fresh copies of the test
 * modules it imports (as each run of vitest would), and of sopflow's own modules only when the
 * generation is not the shared one (`base`). Packages under node_modules are never reloaded.
 */
let root = ''

export function initialize(data) {
  root = data.root
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  const parent = context.parentURL
  const at = parent ? parent.indexOf('?g=') : -1
  if (at < 0 || !resolved.url.startsWith(root) || resolved.url.includes('?')) return resolved
  if (resolved.url.includes('/node_modules/')) return resolved
  const query = new URLSearchParams(parent.slice(at + 1))
  const generation = query.get('g') ?? 'base'
  if (resolved.url.startsWith(`${root}test/`)) return { ...resolved, url: `${resolved.url}?${query}` }
  if (generation === 'base') return resolved
  return { ...resolved, url: `${resolved.url}?g=${generation}` }
}
