/** Placeholder page; replaced by the real one. */
export function TicketPage({ ticketId }: { ticketId: string }) {
  return <section data-page="TicketPage">{ticketId}</section>
}
