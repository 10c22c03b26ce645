import { api, ok } from '../api/client';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';

/** How a chat ticket came in (agents): a live chat's state and agent, or a message left on
 * the widget's offline form, and the page, language and browser the visitor had. Hidden for
 * a ticket that came another way. */
export function ChatPanel(props: { ticketId: string; revision: string }) {
  const { t, locale } = useI18n();
  const chat = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/chat', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision],
  );
  const value = chat.value;
  if (!value) return null;
  const live = value.source === 'live';
  return (
    <section class="panel requester ticket-chat" aria-labelledby="ticket-chat-title">
      <h2 id="ticket-chat-title">{t('ticketChat.title')}</h2>
      <p class="requester-name">
        {live ? t(`ticketChat.state.${value.state ?? 'ended'}` as MessageKey) : t('ticketChat.messageLeft')}
      </p>
      <dl>
        {value.agent && (
          <>
            <dt>{t('ticketChat.agent')}</dt>
            <dd>{value.agent.name}</dd>
          </>
        )}
        <dt>{live ? t('ticketChat.started') : t('ticketChat.left')}</dt>
        <dd>{dateTime(new Date(value.started_at), locale)}</dd>
        {value.ended_at && (
          <>
            <dt>{t('ticketChat.endedAt')}</dt>
            <dd>{dateTime(new Date(value.ended_at), locale)}</dd>
          </>
        )}
        {value.page_url && (
          <>
            <dt>{live ? t('ticketChat.page') : t('ticketChat.pageLeft')}</dt>
            <dd class="ticket-chat-page">
              <a href={value.page_url} target="_blank" rel="noopener noreferrer">
                {value.page_url}
              </a>
            </dd>
          </>
        )}
        {value.language && (
          <>
            <dt>{t('ticketChat.language')}</dt>
            <dd>{value.language}</dd>
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
