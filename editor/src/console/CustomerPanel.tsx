import { useTranslation } from 'react-i18next'
import { type Customer, getCustomer } from '../api/customers.ts'
import { useAsync } from '../ui/useAsync.ts'
import { SurveyForm } from './SurveyForm.tsx'

/** The customer's details and previous tickets. */
export function CustomerPanel({ customer, ticketId }: { customer: Customer | null; ticketId: string }) {
  const { t } = useTranslation('console')
  const detail = useAsync(async () => (customer ? getCustomer(customer.id) : null), [customer?.id])
  if (!customer) return <section className="card customer muted">{t('customer.none')}</section>
  return (
    <section className="card customer" aria-label={t('customer.title')}>
      <h3>{customer.name}</h3>
      <dl>
        {customer.phone && (
          <>
            <dt>{t('customer.phone')}</dt>
            <dd>{customer.phone}</dd>
          </>
        )}
        {customer.email && (
          <>
            <dt>{t('customer.email')}</dt>
            <dd>{customer.email}</dd>
          </>
        )}
        {customer.segment && (
          <>
            <dt>{t('customer.segment')}</dt>
            <dd>{t(`segments.${customer.segment}`)}</dd>
          </>
        )}
      </dl>
      <h4>{t('customer.previous')}</h4>
      <ul className="small">
        {(detail.data?.tickets ?? []).map((x) => (
          <li key={x.id}>
            <a href={`#/tickets/${x.id}`}>{x.subject}</a> ·{' '}
            {x.outcome ? t(`outcome.${x.outcome}`) : t(`status.${x.status}`)}
          </li>
        ))}
      </ul>
      {(detail.data?.surveys ?? []).length > 0 && (
        <p className="small muted">
          {t('survey.last')}:{' '}
          {(['csat', 'nps', 'ces'] as const)
            .filter((k) => detail.data!.surveys[0][k] !== null)
            .map((k) => `${k.toUpperCase()} ${detail.data!.surveys[0][k]}`)
            .join(' · ')}{' '}
          <span className="pill" data-testid="survey-source">
            {t(detail.data?.surveys[0]?.createdBy === 'customer' ? 'survey.byCustomer' : 'survey.byAgent')}
          </span>
        </p>
      )}
      <SurveyForm customerId={customer.id} ticketId={ticketId} onSaved={() => void detail.reload()} />
    </section>
  )
}
