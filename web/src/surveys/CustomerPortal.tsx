import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { describeError } from '../errors';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { Loading, StatusBadge } from '../components/ui';
import { RatingForm } from './RatingForm';

/** One of the customer's requests; solved ones can be rated. */
function Request(props: { ticket: Schemas['TicketResponse']; askExpectation: boolean }) {
  const { t, locale } = useI18n();
  const tk = props.ticket;
  const [rated, setRated] = useState(false);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const solved = tk.status === 'solved' || tk.status === 'closed';
  const send = async (body: Schemas['RatingRequest']) => {
    setError(null);
    try {
      await ok(api.POST('/api/v1/tickets/{id}/rating', { params: { path: { id: tk.id } }, body }));
      setRated(true);
    } catch (cause) {
      setError(describeError(cause as ApiError, t));
    }
  };
  return (
    <li class="panel request" aria-labelledby={`request-${tk.id}`}>
      <h2 id={`request-${tk.id}`}>
        #{tk.number} {tk.subject}
      </h2>
      <p class="muted">
        <StatusBadge status={tk.status} /> · {t(`channel.${tk.channel}` as MessageKey)} · {dateTime(new Date(tk.created_at), locale)}
      </p>
      {error && (
        <p class="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {solved &&
        (rated ? (
          <p role="status">{t('survey.thanks')}</p>
        ) : open ? (
          <RatingForm id={`rate-${tk.id}`} askExpectation={props.askExpectation} onSubmit={(b) => void send(b)} />
        ) : (
          <button type="button" onClick={() => setOpen(true)}>
            {t('survey.rateThis')}
          </button>
        ))}
    </li>
  );
}

/** What a customer who signs in sees: their requests, with a survey on the solved ones. */
export function CustomerPortal(props: { name: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const tickets = useLoad(() => ok(api.GET('/api/v1/tickets', { params: { query: { limit: 50 } } })), []);
  return (
    <main class="customer-portal">
      <header class="portal-head">
        <h1>{t('customerPortal.title', { name: props.name })}</h1>
        <button type="button" onClick={props.onSignOut}>
          {t('nav.signOut')}
        </button>
      </header>
      <p class="muted">{t('customerPortal.intro')}</p>
      {tickets.loading && !tickets.value ? (
        <Loading />
      ) : (tickets.value?.items ?? []).length === 0 ? (
        <p>{t('customerPortal.none')}</p>
      ) : (
        <ul class="requests">
          {(tickets.value?.items ?? []).map((ticket) => (
            <Request key={ticket.id} ticket={ticket} askExpectation={true} />
          ))}
        </ul>
      )}
    </main>
  );
}
