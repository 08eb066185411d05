/** Placeholder page; replaced by the real one. */
export function InboxPage({ route }: { route: import('../useRoute.ts').Route }) {
  return <section data-page="InboxPage">{route.segments.join('/')}</section>
}
