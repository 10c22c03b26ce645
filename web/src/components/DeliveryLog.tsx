import { useI18n } from '../i18n';
import { dateTime } from '../format';
import type { Schemas } from '../api/client';

type Delivery = Schemas['WebhookDeliveryResponse'];

/** A webhook's latest calls: the event, how it went (with the receiver's answer) and when;
 * with `onRedeliver`, a finished call can be sent again. */
export function DeliveryLog(props: { deliveries: Delivery[]; onRedeliver?: (id: string) => void }) {
  const { t, locale } = useI18n();
  if (props.deliveries.length === 0) return null;
  return (
    <table class="deliveries">
      <caption>{t('vendors.webhookCalls')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('vendors.webhookEvent')}</th>
          <th scope="col">{t('vendors.webhookState')}</th>
          <th scope="col">{t('vendors.webhookWhen')}</th>
          {props.onRedeliver && (
            <th scope="col">
              <span class="visually-hidden">{t('integrations.redeliver')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.deliveries.map((d) => (
          <tr key={d.id}>
            <td>
              <code>{d.event}</code>
            </td>
            <td>
              {t(`vendors.webhookState.${d.state}` as 'vendors.webhookState.sent')}
              {d.last_status != null && ` · HTTP ${d.last_status}`}
              {d.attempts > 0 && ` · ${t('vendors.webhookAttempts', { n: d.attempts })}`}
              {d.last_error && <div class="muted">{d.last_error}</div>}
              {d.last_response && (
                <details>
                  <summary>{t('integrations.response')}</summary>
                  <pre class="response">{d.last_response}</pre>
                </details>
              )}
            </td>
            <td>{dateTime(new Date(d.created_at), locale)}</td>
            {props.onRedeliver && (
              <td>
                {d.state !== 'pending' && (
                  <button type="button" class="link-button" onClick={() => props.onRedeliver?.(d.id)}>
                    {t('integrations.redeliver')}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
