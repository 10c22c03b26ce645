import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { en } from '../i18n/en';
import { ErrorBanner, Loading } from '../components/ui';
import { dateTime } from '../format';

type AuditEvent = Schemas['AuditEventResponse'];

/** Admins: the audit log, newest first — who did what, to what, when and from where. */
export function AuditPage() {
  const { t, locale } = useI18n();
  const first = useLoad(() => ok(api.GET('/api/v1/audit', { params: { query: { limit: 100 } } })), []);
  const [more, setMore] = useState<{ items: AuditEvent[]; cursor: string | null } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const items = [...(first.value?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (first.value?.next_cursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await ok(api.GET('/api/v1/audit', { params: { query: { limit: 100, cursor } } }));
      setMore({ items: [...(more?.items ?? []), ...page.items], cursor: page.next_cursor ?? null });
    } catch (cause) {
      setError(cause as ApiError);
    }
  };

  const action = (name: string) => {
    const key = `audit.action.${name}`;
    return key in en ? t(key as MessageKey) : name;
  };
  const detail = (event: AuditEvent) => (event.detail ? JSON.stringify(event.detail) : '');
  return (
    <div class="admin">
      <h1>{t('audit.title')}</h1>
      <ErrorBanner error={error ?? first.error} />
      {first.loading && !first.value ? (
        <Loading />
      ) : (
        <table class="grid-table audit">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.address')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((event) => (
              <tr key={event.id} data-action={event.action}>
                <td>{dateTime(new Date(event.occurred_at), locale)}</td>
                <td>{action(event.action)}</td>
                <td>{event.actor_name ?? '—'}</td>
                <td>{event.target_label ?? '—'}</td>
                <td>{event.ip ?? '—'}</td>
                <td class="detail">
                  <code>{detail(event)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          {t('queue.loadMore')}
        </button>
      )}
    </div>
  );
}
