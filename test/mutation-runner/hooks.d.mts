export function initialize(data: { root: string; shared: string[] }): void
export function resolve(
  specifier: string,
  context: { parentURL?: string },
  next: (specifier: string, context: { parentURL?: string }) => Promise<{ url: string; format?: string }>,
): Promise<{ url: string; format?: string }>
