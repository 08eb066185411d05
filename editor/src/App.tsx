import { Shell } from './Shell.tsx'
import { useRoute } from './useRoute.ts'

/**
 * Hash routes: #/designer, #/designer/:sopId — the SOP designer;
 * #/inbox, #/tickets/:id — the agent console; #/audit, #/audit/:ticketId — audit replay;
 * #/dashboard — supervisors' metrics.
 */
export function App() {
  const route = useRoute()
  return <Shell route={route} />
}
