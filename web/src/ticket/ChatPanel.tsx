import { api, ok } from '../api/client';
import { dateTime, languageName } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useLiveChat } from '../livechat/LiveChat';

/** What the console's live chat knows of the ticket's chat: where it is in the queue and the
 * page its visitor is on, so the panel reads the chat again when either moves. */
function useLiveKey(ticket: string): string {
  const live = useLiveChat();
  const queued = live?.state.queue[ticket] ?? live?.state.offers[ticket];
  const open = live?.state.chats.find((c) => c.ticket === ticket);
  return JSON.stringify([queued ? (queued.offered_to ?? 'waiting') : null, open?.pageUrl ?? null]);
}

/** How a chat ticket came in (agents): a live chat's state and the agent it is with, or a
 * message left on the widget's offline form, and the page, language and browser the visitor
 * had. Hidden for a ticket that came another way. The page is shown as text: the visitor's
 * browser reports it, unchecked. */
export function ChatPanel(props: { ticketId: string; revision: string }) {
  const { t, locale } = useI18n();
  const liveKey = useLiveKey(props.ticketId);
  const chat = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/chat', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision, liveKey],
  );
  const value = chat.value;
  if (!value) return null;
  const live = value.source === 'live';
  return (
    <section class="panel ticket-chat" aria-labelledby="ticket-chat-title">
      <h2 id="ticket-chat-title">{t('ticketChat.title')}</h2>
      <p class="ticket-chat-state">{value.state ? t(`ticketChat.state.${value.state}`) : t('ticketChat.messageLeft')}</p>
      <dl>
        {value.agent && (
          <>
            <dt>{value.state === 'offered' ? t('ticketChat.offeredTo') : t('ticketChat.agent')}</dt>
            <dd>{value.agent.name}</dd>
          </>
        )}
        <dt>{live ? t('ticketChat.started') : t('ticketChat.sent')}</dt>
        <dd>{dateTime(new Date(value.started_at), locale)}</dd>
        {value.ended_at && (
          <>
            <dt>{t('ticketChat.endedAt')}</dt>
            <dd>{dateTime(new Date(value.ended_at), locale)}</dd>
          </>
        )}
        {value.page_url && (
          <>
            <dt>{live ? t('ticketChat.page') : t('ticketChat.sentFrom')}</dt>
            <dd class="ticket-chat-page">{value.page_url}</dd>
          </>
        )}
        {value.language && (
          <>
            <dt>{t('ticketChat.language')}</dt>
            <dd>{languageName(value.language, locale)}</dd>
          </>
        )}
        {value.browser && (
          <>
            <dt>{t('ticketChat.browser')}</dt>
            <dd>{value.browser}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
