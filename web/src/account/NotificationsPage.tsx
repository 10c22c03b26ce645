import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Loading } from '../components/ui';

type Settings = Schemas['NotificationSettingsBody'];

/** Which mail notifications Kefu sends: staff hear of tickets assigned to them, customers'
 * replies and vendors' updates; vendor users (`vendor`) of new cases and the business's
 * replies. */
export function NotificationsPage(props: { vendor?: boolean }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const loaded = useLoad(() => ok(api.GET('/api/v1/me/notifications')), []);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setSettings(loaded.value ?? null), [loaded.value]);
  if (!settings) return loaded.error ? <ErrorBanner error={loaded.error} onRetry={loaded.reload} /> : <Loading />;

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setSettings(await ok(api.PUT('/api/v1/me/notifications', { body: settings })));
      notify(t('common.saved'));
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  const option = (key: keyof Settings, label: string, hint: string) => (
    <label class="toggle">
      <input type="checkbox" checked={settings[key]} onChange={(e) => setSettings({ ...settings, [key]: e.currentTarget.checked })} />
      <span>
        {label}
        <span class="muted"> — {hint}</span>
      </span>
    </label>
  );
  return (
    <div class="admin">
      <h1>{t('notifications.title')}</h1>
      <p class="muted">{t('notifications.intro')}</p>
      <ErrorBanner error={error} />
      <form class="panel" onSubmit={save} aria-label={t('notifications.title')}>
        {props.vendor ? (
          <>
            {option('escalation_new', t('notifications.escalationNew'), t('notifications.escalationNewHint'))}
            {option('escalation_reply', t('notifications.escalationReply'), t('notifications.escalationReplyHint'))}
          </>
        ) : (
          <>
            {option('assigned', t('notifications.assigned'), t('notifications.assignedHint'))}
            {option('customer_replied', t('notifications.customerReplied'), t('notifications.customerRepliedHint'))}
            {option('vendor_update', t('notifications.vendorUpdate'), t('notifications.vendorUpdateHint'))}
          </>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            {t('common.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
