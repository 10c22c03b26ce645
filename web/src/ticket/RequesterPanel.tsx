import { api, ok } from '../api/client';
import { ticketNumber } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ChannelIcon, ErrorBanner, Link, Loading, StatusBadge } from '../components/ui';

type CustomerTicket = NonNullable<Awaited<ReturnType<typeof loadCustomer>>>['tickets'][number];

/** A customer and their tickets. */
export function loadCustomer(id: string) {
  return ok(api.GET('/api/v1/customers/{id}', { params: { path: { id } } }));
}

/** A customer's tickets other than the one open, on every channel. */
export function OtherTickets(props: { tickets: CustomerTicket[] }) {
  const { t } = useI18n();
  if (props.tickets.length === 0) return <p class="muted">{t('ticket.noOtherTickets')}</p>;
  return (
    <ul class="other-tickets">
      {props.tickets.map((ticket) => (
        <li key={ticket.id}>
          <ChannelIcon channel={ticket.channel} />{' '}
          <Link href={`/tickets/${ticket.number}`}>
            {ticketNumber(ticket.number)} {ticket.subject}
          </Link>{' '}
          <StatusBadge status={ticket.status} />
        </li>
      ))}
    </ul>
  );
}

/** Who asked: contact details, and their other tickets on every channel. */
export function RequesterPanel(props: { customerId: string; currentTicket: string }) {
  const { t } = useI18n();
  const detail = useLoad(() => loadCustomer(props.customerId), [props.customerId, props.currentTicket]);
  if (detail.error) return <ErrorBanner error={detail.error} onRetry={detail.reload} />;
  if (!detail.value) return <Loading />;
  const { customer, tickets } = detail.value;
  const others = tickets.filter((ticket) => ticket.id !== props.currentTicket);
  return (
    <section class="panel requester" aria-labelledby="requester-title">
      <h2 id="requester-title">{t('ticket.requester')}</h2>
      <p class="requester-name">{customer.name}</p>
      <dl>
        {customer.organisation && (
          <>
            <dt>{t('ticket.organisation')}</dt>
            <dd>{customer.organisation}</dd>
          </>
        )}
        {customer.emails.length > 0 && (
          <>
            <dt>{t('ticket.emails')}</dt>
            {customer.emails.map((email) => (
              <dd key={email}>
                <a href={`mailto:${email}`}>{email}</a>
              </dd>
            ))}
          </>
        )}
        {customer.phones.length > 0 && (
          <>
            <dt>{t('ticket.phones')}</dt>
            {customer.phones.map((phone, i) => (
              <dd key={phone}>
                <a href={`tel:${phone}`}>{customer.phones_display[i] ?? phone}</a>
              </dd>
            ))}
          </>
        )}
      </dl>
      <h3>{t('ticket.otherTickets')}</h3>
      <OtherTickets tickets={others} />
    </section>
  );
}
