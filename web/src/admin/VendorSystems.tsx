import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { dateTime } from '../format';
import { ErrorBanner, Field } from '../components/ui';
import { DeliveryLog } from '../components/DeliveryLog';

type Vendor = Schemas['VendorResponse'];

/** A secret shown once: to copy now, never shown again. */
export function ShownOnce(props: { label: string; value: string }) {
  const { t } = useI18n();
  return (
    <div class="shown-once" role="status">
      <p>{t('vendors.shownOnce', { what: props.label })}</p>
      <code>{props.value}</code>
    </div>
  );
}

/** The vendor's webhook: its address, whether a private target is allowed, a test call and
 * the latest calls. */
function Webhook(props: { vendor: Vendor }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const id = props.vendor.id;
  const hook = useLoad(() => ok(api.GET('/api/v1/vendors/{id}/webhook', { params: { path: { id } } })), [id]);
  const [url, setUrl] = useState<string | null>(null);
  const [allowPrivate, setAllowPrivate] = useState<boolean | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const waiting = hook.value?.deliveries.some((d) => d.state === 'pending') ?? false;
  // While calls wait, look again every two seconds, so the outcome shows up on its own.
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(hook.reload, 2000);
    return () => clearTimeout(timer);
  }, [waiting, hook.value]);
  const shownUrl = url ?? hook.value?.url ?? '';
  const shownPrivate = allowPrivate ?? hook.value?.allow_private ?? false;
  const run = async (work: () => Promise<Schemas['WebhookResponse'] | void>) => {
    setError(null);
    try {
      const answer = await work();
      if (answer && answer.secret) setSecret(answer.secret);
      notify(t('common.saved'));
      hook.reload();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  const save = (event: Event, newSecret = false) => {
    event.preventDefault();
    void run(() =>
      ok(
        api.PUT('/api/v1/vendors/{id}/webhook', {
          params: { path: { id } },
          body: { url: shownUrl, allow_private: shownPrivate, new_secret: newSecret },
        }),
      ),
    );
  };
  return (
    <div class="vendor-webhook">
      <h3>{t('vendors.webhook')}</h3>
      <p class="muted">{t('vendors.webhookHint')}</p>
      <ErrorBanner error={error ?? hook.error} />
      {secret && <ShownOnce label={t('vendors.webhookSecret')} value={secret} />}
      <form onSubmit={(e) => save(e)} class="grid">
        <Field label={t('vendors.webhookUrl')} id={`hook-url-${id}`}>
          <input
            id={`hook-url-${id}`}
            type="url"
            required
            placeholder="https://"
            value={shownUrl}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </Field>
        <label>
          <input type="checkbox" checked={shownPrivate} onChange={(e) => setAllowPrivate(e.currentTarget.checked)} />{' '}
          {t('vendors.webhookPrivate')}
        </label>
        <div class="actions">
          <button type="submit">{t('common.save')}</button>
          {hook.value?.url && (
            <>
              <button type="button" onClick={(e) => save(e, true)}>
                {t('vendors.webhookNewSecret')}
              </button>
              <button
                type="button"
               
                onClick={() => void run(() => ok(api.POST('/api/v1/vendors/{id}/webhook/ping', { params: { path: { id } } })))}
              >
                {t('vendors.webhookPing')}
              </button>
              <button
                type="button"
                class="danger"
                onClick={() =>
                  void run(async () => {
                    await ok(api.DELETE('/api/v1/vendors/{id}/webhook', { params: { path: { id } } }));
                    setUrl(null);
                  })
                }
              >
                {t('vendors.webhookRemove')}
              </button>
            </>
          )}
        </div>
      </form>
      <DeliveryLog deliveries={hook.value?.deliveries ?? []} />
    </div>
  );
}

/** The vendor's API key: make (or replace) it, shown once, and revoke it. */
function ApiKey(props: { vendor: Vendor }) {
  const { t, locale } = useI18n();
  const { notify } = useSession();
  const id = props.vendor.id;
  const key = useLoad(() => ok(api.GET('/api/v1/vendors/{id}/api-key', { params: { path: { id } } })), [id]);
  const [made, setMade] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (work: () => Promise<Schemas['VendorApiKeyResponse']>) => {
    setError(null);
    try {
      const answer = await work();
      setMade(answer.key ?? null);
      notify(t('common.saved'));
      key.reload();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <div class="vendor-api-key">
      <h3>{t('vendors.apiKey')}</h3>
      <p class="muted">{t('vendors.apiKeyHint')}</p>
      <ErrorBanner error={error ?? key.error} />
      {made && <ShownOnce label={t('vendors.apiKey')} value={made} />}
      {key.value?.active && key.value.created_at && (
        <p>
          {t('vendors.apiKeyMade', { when: dateTime(new Date(key.value.created_at), locale) })}
          {key.value.last_used_at &&
            ` · ${t('vendors.apiKeyUsed', { when: dateTime(new Date(key.value.last_used_at), locale) })}`}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          onClick={() => void run(() => ok(api.POST('/api/v1/vendors/{id}/api-key', { params: { path: { id } } })))}
        >
          {key.value?.active ? t('vendors.apiKeyReplace') : t('vendors.apiKeyMake')}
        </button>
        {key.value?.active && (
          <button
            type="button"
            class="danger"
            onClick={() => void run(() => ok(api.DELETE('/api/v1/vendors/{id}/api-key', { params: { path: { id } } })))}
          >
            {t('vendors.apiKeyRevoke')}
          </button>
        )}
      </div>
    </div>
  );
}

/** How a vendor's own helpdesk connects: its webhook and its API key. */
export function VendorSystems(props: { vendor: Vendor }) {
  const { t } = useI18n();
  return (
    <details class="vendor-systems">
      <summary>{t('vendors.systems')}</summary>
      <Webhook vendor={props.vendor} />
      <ApiKey vendor={props.vendor} />
    </details>
  );
}
