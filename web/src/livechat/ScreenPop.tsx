/** The screen pop: each call ringing, answered or ended at this agent's extension, with the
 * caller and their ticket, one click from its timeline. */
import { onLinkClick } from '../router';
import { type MessageKey, useI18n } from '../i18n';
import { useLiveChat } from './LiveChat';

export function ScreenPop() {
  const live = useLiveChat();
  const { t } = useI18n();
  const calls = live?.state.calls ?? [];
  if (calls.length === 0) return null;
  return (
    <div class="screen-pops">
      {calls.map((call) => (
        <section
          key={call.id}
          class={`screen-pop ${call.state}`}
          role={call.state === 'ringing' ? 'alert' : 'region'}
          aria-label={t(`pop.${call.direction}.${call.state}` as MessageKey, { name: call.customer_name })}
        >
          <h2>{t(`pop.${call.direction}.${call.state}` as MessageKey, { name: call.customer_name })}</h2>
          <p class="pop-number">{call.number}</p>
          <p>
            #{call.ticket_number} {call.subject}
            {call.new_ticket && <span class="badge"> {t('pop.newTicket')}</span>}
          </p>
          <div class="actions">
            <a
              href={`/tickets/${call.ticket_number}`}
              class="button primary"
              onClick={(e) => {
                live?.dispatch({ type: 'dismiss_call', id: call.id });
                onLinkClick(e, `/tickets/${call.ticket_number}`);
              }}
            >
              {t('pop.open')}
            </a>
            <button type="button" class="link-button" onClick={() => live?.dispatch({ type: 'dismiss_call', id: call.id })}>
              {t('pop.dismiss')}
            </button>
          </div>
        </section>
      ))}
    </div>
  );
}
