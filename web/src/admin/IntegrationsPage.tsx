import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { Checks, ErrorBanner, Field, Loading } from '../components/ui';
import { DeliveryLog } from '../components/DeliveryLog';
import { ShownOnce } from './VendorSystems';

type Integration = Schemas['IntegrationResponse'];
type IntegrationEvent = Schemas['IntegrationEvent'];

/** The events an integration can hear of, in the order the server lists them. */
export const INTEGRATION_EVENTS: readonly IntegrationEvent[] = [
  'ticket.created',
  'ticket.updated',
  'message.created',
  'chat.started',
  'chat.ended',
  'escalation.created',
  'escalation.updated',
  'escalation.message',
  'call.logged',
  'trigger.fired',
];

/** One integration's delivery log, with a test event and a way to send a call again; looks
 * again every two seconds while calls wait. */
function Deliveries(props: { id: string; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const id = props.id;
  const log = useLoad(() => ok(api.GET('/api/v1/integrations/{id}/deliveries', { params: { path: { id } } })), [id]);
  const waiting = log.value?.items.some((d) => d.state === 'pending') ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(log.reload, 2000);
    return () => clearTimeout(timer);
  }, [waiting, log.value]);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      log.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <div class="integration-log">
      <button type="button" onClick={() => void run(() => ok(api.POST('/api/v1/integrations/{id}/ping', { params: { path: { id } } })))}>
        {t('integrations.ping')}
      </button>
      <DeliveryLog
        deliveries={log.value?.items ?? []}
        onRedeliver={(delivery) =>
          void run(() =>
            ok(api.POST('/api/v1/integrations/{id}/deliveries/{delivery}/redeliver', { params: { path: { id, delivery } } })),
          )
        }
      />
    </div>
  );
}

/** One integration's editor; without one, the form that adds one. */
function IntegrationForm(props: { integration?: Integration; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const it = props.integration;
  const key = it?.id ?? 'new';
  const [name, setName] = useState(it?.name ?? '');
  const [url, setUrl] = useState(it?.url ?? '');
  const [events, setEvents] = useState<string[]>(it?.events ?? ['ticket.created', 'ticket.updated']);
  const [active, setActive] = useState(it?.active ?? true);
  const [allowPrivate, setAllowPrivate] = useState(it?.allow_private ?? false);
  const [secret, setSecret] = useState<string | null>(null);
  const save = async (event: Event, newSecret = false) => {
    event.preventDefault();
    const body = { name, url, events: events as IntegrationEvent[], active, allow_private: allowPrivate, new_secret: newSecret };
    try {
      const answer = it
        ? await ok(api.PUT('/api/v1/integrations/{id}', { params: { path: { id: it.id } }, body }))
        : await ok(api.POST('/api/v1/integrations', { body }));
      setSecret(answer.secret ?? null);
      notify(it ? t('common.saved') : t('admin.created', { name }));
      if (!it) {
        setName('');
        setUrl('');
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!it) return;
    try {
      await ok(api.DELETE('/api/v1/integrations/{id}', { params: { path: { id: it.id } } }));
      notify(t('routing.removed', { name: it.name }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <section class="panel integration" aria-labelledby={`integration-${key}`}>
      <h3 id={`integration-${key}`}>
        {it ? it.name : t('integrations.new')}
        {it && !it.active && <span class="badge"> {t('integrations.paused')}</span>}
      </h3>
      {secret && <ShownOnce label={t('vendors.webhookSecret')} value={secret} />}
      <form onSubmit={(e) => void save(e)}>
        <div class="grid">
          <Field label={t('admin.thingName')} id={`integration-name-${key}`}>
            <input id={`integration-name-${key}`} required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label={t('vendors.webhookUrl')} id={`integration-url-${key}`}>
            <input id={`integration-url-${key}`} type="url" required placeholder="https://" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          </Field>
        </div>
        <Checks
          legend={t('integrations.events')}
          all={INTEGRATION_EVENTS.map((v) => ({ value: v, label: t(`integrations.event.${v}` as MessageKey) }))}
          chosen={events}
          onChange={setEvents}
        />
        <label class="toggle">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          {t('integrations.active')}
        </label>
        <label class="toggle">
          <input type="checkbox" checked={allowPrivate} onChange={(e) => setAllowPrivate(e.currentTarget.checked)} />
          {t('vendors.webhookPrivate')}
        </label>
        <div class="actions">
          <button type="submit" class="primary">
            {it ? t('common.save') : t('common.create')}
          </button>
          {it && (
            <>
              <button type="button" onClick={(e) => void save(e, true)}>
                {t('vendors.webhookNewSecret')}
              </button>
              <button type="button" class="link-button" onClick={() => void remove()}>
                {t('integrations.remove')}
              </button>
            </>
          )}
        </div>
      </form>
      {it && <Deliveries id={it.id} onError={props.onError} />}
    </section>
  );
}

/** Admins: integration webhooks — where Kefu tells other systems what happens. */
export function IntegrationsPage() {
  const { t } = useI18n();
  const list = useLoad(() => ok(api.GET('/api/v1/integrations')), []);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => {
    setError(null);
    list.reload();
  };
  return (
    <div class="admin integrations">
      <h1>{t('nav.integrations')}</h1>
      <p class="muted">{t('integrations.intro')}</p>
      <ErrorBanner error={error ?? list.error} />
      {list.loading && !list.value ? (
        <Loading />
      ) : (
        (list.value?.items ?? []).map((it) => (
          <IntegrationForm key={`${it.id}-${it.updated_at}`} integration={it} onSaved={reload} onError={setError} />
        ))
      )}
      <IntegrationForm onSaved={reload} onError={setError} />
    </div>
  );
}
