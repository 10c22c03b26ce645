import { useEffect, useRef, useState } from 'preact/hooks';
import { useTicketChanges } from '../livechat/LiveChat';
import { ApiError, api, ok, type Message, type Schemas, type Ticket, type UpdateTicket } from '../api/client';

type MessageList = Schemas['MessageList'];
import { dateTime, ticketNumber } from '../format';
import { useLoad, useShortcuts } from '../hooks';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { useSession } from '../session';
import { ErrorBanner, Icon, Link, Loading, StatusBadge } from '../components/ui';
import { Timeline } from './Timeline';
import { ReplyBox } from './ReplyBox';
import { Properties } from './Properties';
import { RequesterPanel } from './RequesterPanel';
import { EscalationsPanel } from '../escalations/EscalationsPanel';
import { VisitsPanel } from '../visits/VisitsPanel';
import { SlaPanel } from './SlaPanel';
import { ChatPanel } from './ChatPanel';

async function allMessages(id: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor: string | null | undefined = undefined;
  do {
    const page: MessageList = await ok(
      api.GET('/api/v1/tickets/{id}/messages', {
        params: { path: { id }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** One ticket: its timeline, the reply box, its properties and its requester. */
export function TicketPage(props: { reference: string }) {
  const { t, locale } = useI18n();
  const session = useSession();
  const reply = useRef<HTMLTextAreaElement>(null);
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const loaded = useLoad(async () => {
    const found = await ok(api.GET('/api/v1/tickets/{id}', { params: { path: { id: props.reference } } }));
    const messages = await allMessages(found.id);
    return { ticket: found, messages };
  }, [props.reference]);

  useEffect(() => {
    if (!loaded.value) return;
    setTicket(loaded.value.ticket);
    ok(api.POST('/api/v1/tickets/{id}/seen', { params: { path: { id: loaded.value.ticket.id } } })).catch(() => {
      // Marking as seen is a convenience; the page works without it.
    });
  }, [loaded.value]);

  useTicketChanges(loaded.reload, ticket?.id);

  const update = async (changes: UpdateTicket) => {
    if (!ticket) return;
    setSaveError(null);
    try {
      const updated = await ok(
        api.PATCH('/api/v1/tickets/{id}', { params: { path: { id: ticket.id } }, body: changes }),
      );
      setTicket(updated);
      session.notify(t('common.saved'));
      loaded.reload();
    } catch (cause) {
      setSaveError(cause as ApiError);
    }
  };

  useShortcuts(
    (event) => {
      if (event.key === 'r') {
        event.preventDefault();
        reply.current?.focus();
      } else if (event.key === 'e' && ticket && ticket.status !== 'solved' && ticket.status !== 'closed') {
        void update({ status: 'solved' });
      } else if (event.key === 'u') {
        navigate('/queue');
      }
    },
  );

  if (loaded.error && !loaded.value) {
    return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />;
  }
  if (!loaded.value || !ticket) return <Loading />;
  // What the side panels read again on: the ticket changed, or a message came.
  const revision = `${ticket.updated_at}/${loaded.value.messages.length}`;
  return (
    <div class="ticket-layout">
      <article class="ticket-main" aria-labelledby="ticket-title">
        <p>
          <Link href="/queue">← {t('ticket.back')}</Link>
        </p>
        <header class="ticket-header">
          <h1 id="ticket-title">
            <span class="number">{ticketNumber(ticket.number)}</span> {ticket.subject}
          </h1>
          <StatusBadge status={ticket.status} />
          <span class="muted">{t('ticket.created', { time: dateTime(new Date(ticket.created_at), locale) })}</span>
        </header>
        <ErrorBanner error={saveError} />
        <Timeline messages={loaded.value.messages} ticket={ticket.id} />
        {ticket.status !== 'closed' && (
          <ReplyBox ticketId={ticket.id} textRef={reply} onSent={loaded.reload} revision={loaded.value.messages.length} />
        )}
        <EscalationsPanel
          ticketId={ticket.id}
          messages={loaded.value.messages}
          revision={loaded.value.messages.length}
          onChanged={loaded.reload}
        />
        {ticket.stage === 'after_sale' && (
          <VisitsPanel ticketId={ticket.id} revision={loaded.value.messages.length} onChanged={loaded.reload} />
        )}
      </article>
      <aside class="ticket-side">
        <Properties ticket={ticket} onChange={update} />
        {ticket.channel === 'chat' && <ChatPanel ticketId={ticket.id} revision={revision} />}
        <SlaPanel ticketId={ticket.id} revision={revision} />
        <p>
          <Link href={`/calls?ticket=${ticket.number}`}>
            <Icon name="phone" /> {t('ticket.logCall')}
          </Link>
        </p>
        <RequesterPanel customerId={ticket.requester.id} currentTicket={ticket.id} />
      </aside>
    </div>
  );
}

