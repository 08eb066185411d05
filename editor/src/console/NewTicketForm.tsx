import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { lookupPhone, type PhoneLookup } from '../api/channels.ts'
import { ApiError } from '../api/client.ts'
import { type Customer, createCustomer, searchCustomers } from '../api/customers.ts'
import { listSops } from '../api/sops.ts'
import { createTicket } from '../api/tickets.ts'
import { problemText } from '../ui/problemText.ts'
import { useAsync } from '../ui/useAsync.ts'
import { navigate } from '../useRoute.ts'

const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'walk-in', 'ivr', 'sms']
/** Contacts the person doing intake handles there and then: they take the ticket by default. */
const LIVE = new Set(['phone', 'walk-in'])

/** Intake as a contact arrives: channel, customer (search or create), subject, SOP. */
export function NewTicketForm({
  onCancel,
  phone,
  initialChannel,
}: {
  onCancel: () => void
  /** The caller's number from a screen pop: their customer record is looked up and chosen. */
  phone?: string
  initialChannel?: string
}) {
  const { t } = useTranslation('console')
  const sops = useAsync(listSops, [])
  const [channel, setChannel] = useState(
    initialChannel && CHANNELS.includes(initialChannel) ? initialChannel : 'phone',
  )
  const caller = useCaller(phone)
  const [subject, setSubject] = useState('')
  const [sopId, setSopId] = useState('')
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<Customer[]>([])
  const [customer, setCustomer] = useState<Customer | null>(null)
  const [newCustomer, setNewCustomer] = useState({ name: '', phone: phone ?? '', email: '', address: '' })
  // The caller found by their number is chosen, unless the agent already chose someone.
  useEffect(() => {
    const first = caller?.customers[0]
    if (first) setCustomer((c) => c ?? first)
  }, [caller])
  const [error, setError] = useState('')
  /** The agent's own choice; until they make one it follows the channel. */
  const [assignChoice, setAssignChoice] = useState<boolean | null>(null)
  const assignToMe = assignChoice ?? LIVE.has(channel)
  const published = (sops.data ?? []).filter((s) => s.latestVersion && !s.archived)
  const chosenSop = sopId || published[0]?.id || ''

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setError('')
    try {
      let c = customer
      if (!c && newCustomer.name.trim()) {
        c = await createCustomer({
          name: newCustomer.name.trim(),
          phone: newCustomer.phone || null,
          email: newCustomer.email || null,
          address: newCustomer.address || null,
          segment: null,
        })
      }
      if (c && !customer) setCustomer(c)
      const view = await createTicket({
        sopId: chosenSop,
        channel,
        customerId: c?.id ?? null,
        subject,
        assignToMe,
      })
      navigate(`/tickets/${view.ticket.id}`)
    } catch (err) {
      setError(err instanceof ApiError ? problemText(err.problem, t) : String(err))
    }
  }

  return (
    <form className="card new-ticket" onSubmit={submit} aria-label={t('intake.title')}>
      <h2>{t('intake.title')}</h2>
      {caller && caller.openTickets.length > 0 && (
        <section aria-label={t('intake.openTickets')} data-testid="caller-open-tickets">
          <h3>{t('intake.openTickets')}</h3>
          <ul className="choices">
            {caller.openTickets.map((o) => (
              <li key={o.id}>
                <a href={`#/tickets/${o.id}`}>
                  {o.reference} · {o.subject}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="grid2">
        <label>
          {t('ticket.channel')}
          <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('ticket.sop')}
          <select name="sop" value={chosenSop} onChange={(e) => setSopId(e.target.value)}>
            {published.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('ticket.subject')}
        <input name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} required />
      </label>
      <fieldset>
        <legend>{t('intake.customer')}</legend>
        {customer ? (
          <p>
            <strong>{customer.name}</strong> {customer.phone} {customer.email}{' '}
            <button type="button" onClick={() => setCustomer(null)}>
              {t('intake.change')}
            </button>
          </p>
        ) : (
          <>
            <div className="row">
              <input
                name="customer-search"
                placeholder={t('intake.search')}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
              <button type="button" onClick={async () => setFound(await searchCustomers(query))}>
                {t('intake.find')}
              </button>
            </div>
            {found.length > 0 && (
              <ul className="choices">
                {found.map((c) => (
                  <li key={c.id}>
                    <button type="button" onClick={() => setCustomer(c)}>
                      {c.name} · {c.phone ?? c.email ?? ''}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <p className="muted">{t('intake.orCreate')}</p>
            <div className="grid2">
              {(['name', 'phone', 'email', 'address'] as const).map((k) => (
                <label key={k}>
                  {t(`customer.${k}`)}
                  <input
                    name={`customer-${k}`}
                    value={newCustomer[k]}
                    onChange={(e) => setNewCustomer({ ...newCustomer, [k]: e.target.value })}
                  />
                </label>
              ))}
            </div>
          </>
        )}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          name="assign-to-me"
          checked={assignToMe}
          onChange={(e) => setAssignChoice(e.target.checked)}
        />{' '}
        {t('intake.assignToMe')}
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={!subject.trim() || !chosenSop}>
          {t('intake.create')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('intake.cancel')}
        </button>
      </div>
    </form>
  )
}

/** The customers and open tickets of a caller's number (normalised on the server). */
function useCaller(phone: string | undefined): PhoneLookup | null {
  const [found, setFound] = useState<PhoneLookup | null>(null)
  useEffect(() => {
    if (!phone) return
    let live = true
    lookupPhone(phone).then(
      (r) => live && setFound(r),
      () => live && setFound(null),
    )
    return () => {
      live = false
    }
  }, [phone])
  return found
}
