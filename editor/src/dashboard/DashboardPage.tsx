/** Placeholder page; replaced by the real one. */
export function DashboardPage({ route }: { route: import('../useRoute.ts').Route }) {
  return <section data-page="DashboardPage">{route.segments.join('/')}</section>
}
