/** Placeholder page; replaced by the real one. */
export function DesignerPage({ route }: { route: import('../useRoute.ts').Route }) {
  return <section data-page="DesignerPage">{route.segments.join('/')}</section>
}
