/** A chat visitor's other tickets, on every channel, read when the agent opens the list. */
import { useState } from 'preact/hooks';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner, Loading } from '../components/ui';
import { OtherTickets, loadCustomer } from '../ticket/RequesterPanel';

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
  const detail = useLoad(() => loadCustomer(props.customer), [props.customer]);
  if (detail.error) return <ErrorBanner error={detail.error} onRetry={detail.reload} />;
  if (!detail.value) return <Loading />;
  return <OtherTickets tickets={detail.value.tickets.filter((ticket) => ticket.id !== props.ticket)} />;
}
