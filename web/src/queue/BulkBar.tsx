import { useState } from 'preact/hooks';
import { ApiError, STATUSES, api, ok, type UpdateTicket } from '../api/client';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner } from '../components/ui';

/** Assign, change status or tag the selected tickets at once. */
export function BulkBar(props: { ids: string[]; onDone: () => void; onClear: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState('');
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const apply = async (event: Event) => {
    event.preventDefault();
    const changes: UpdateTicket = {};
    if (assignee) changes.assignee_id = assignee;
    if (status) changes.status = status as UpdateTicket['status'];
    if (tag.trim()) changes.add_tags = [tag.trim()];
    if (Object.keys(changes).length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const result = await ok(api.POST('/api/v1/tickets/bulk', { body: { ids: props.ids, changes } }));
      const failed = result.failed.length;
      session.notify(
        failed === 0
          ? t('queue.bulk.done', { updated: result.updated.length })
          : t('queue.bulk.partial', {
              updated: result.updated.length,
              failed,
              reason: result.failed[0]?.detail ?? '',
            }),
      );
      setAssignee('');
      setStatus('');
      setTag('');
      props.onClear();
      props.onDone();
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="bulk" onSubmit={apply} aria-label={t('queue.selected', { count: props.ids.length })}>
      <strong>{t('queue.selected', { count: props.ids.length })}</strong>
      <label class="visually-hidden" for="bulk-assignee">
        {t('queue.bulk.assign')}
      </label>
      <select id="bulk-assignee" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
        <option value="">{t('queue.bulk.assign')}</option>
        {session.staff.map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </select>
      <label class="visually-hidden" for="bulk-status">
        {t('queue.bulk.status')}
      </label>
      <select id="bulk-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">{t('queue.bulk.status')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
      <label class="visually-hidden" for="bulk-tag">
        {t('queue.bulk.tag')}
      </label>
      <input id="bulk-tag" placeholder={t('queue.bulk.tag')} value={tag} onInput={(e) => setTag(e.currentTarget.value)} size={10} />
      <button type="submit" class="primary" disabled={busy}>
        {t('queue.bulk.apply')}
      </button>
      <button type="button" class="link-button" onClick={props.onClear}>
        {t('common.clear')}
      </button>
      <ErrorBanner error={error} />
    </form>
  );
}
