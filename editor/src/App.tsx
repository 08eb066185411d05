import { ContactPage, StatusPage } from './channels/PublicPages.tsx'
import { Shell } from './Shell.tsx'
import { SurveyPage } from './survey/SurveyPage.tsx'
import { useRoute } from './useRoute.ts'

/**
 * Hash routes: #/designer, #/designer/:sopId — the SOP designer;
 * #/inbox, #/tickets/:id — the agent console; #/audit, #/audit/:ticketId — audit replay;
 * #/dashboard — supervisors' metrics. #/contact/:form, #/status/:token and #/survey/:token — customers'
 * pages, no account.
 */
export function App() {
  const route = useRoute()
  if (route.segments[0] === 'contact') return <ContactPage slug={route.segments[1] ?? ''} />
  if (route.segments[0] === 'status') return <StatusPage token={route.segments[1] ?? ''} />
  if (route.segments[0] === 'survey') return <SurveyPage token={route.segments[1] ?? ''} />
  return <Shell route={route} />
}
