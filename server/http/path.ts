import { Problem } from './problem.ts'

/** Decodes a percent-encoded URL path; a malformed escape or invalid UTF-8 is a 400 naming it. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    throw new Problem(
      400,
      'malformed_path',
      `The URL path "${path}" has a malformed percent-encoding (each % must start a valid UTF-8 escape such as %20)`,
      { path },
    )
  }
}
