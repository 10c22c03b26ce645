/** A chat visitor's other tickets, on every channel, read when the agent opens the list. */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { ticketNumber } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner, Link, Loading, StatusBadge } from '../components/ui';

export function EarlierTickets(props: { customer: string; ticket: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details class="chat-earlier" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('ticket.otherTickets')}</summary>
      {open && <List {...props} />}
    </details>
  );
}

function List(props: { customer: string; ticket: string }) {
  const { t } = useI18n();
  const detail = useLoad(
    () => ok(api.GET('/api/v1/customers/{id}', { params: { path: { id: props.customer } } })),
    [props.customer],
  );
  if (detail.error) return <ErrorBanner error={detail.error} onRetry={detail.reload} />;
  if (!detail.value) return <Loading />;
  const others = detail.value.tickets.filter((ticket) => ticket.id !== props.ticket);
  if (others.length === 0) return <p class="muted">{t('ticket.noOtherTickets')}</p>;
  return (
    <ul class="other-tickets">
      {others.map((ticket) => (
        <li key={ticket.id}>
          <Link href={`/tickets/${ticket.number}`}>
            {ticketNumber(ticket.number)} {ticket.subject}
          </Link>{' '}
          <StatusBadge status={ticket.status} />
        </li>
      ))}
    </ul>
  );
}
