/** Placeholder page; replaced by the real one. */
export function AuditPage({ route }: { route: import('../useRoute.ts').Route }) {
  return <section data-page="AuditPage">{route.segments.join('/')}</section>
}
