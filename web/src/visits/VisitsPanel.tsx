import { useState } from 'preact/hooks';
import { ApiError, api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field } from '../components/ui';
import { VisitCard, localInput } from './VisitCard';

/** The form an agent schedules a visit with. */
function ScheduleForm(props: { ticketId: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const partners = useLoad(() => ok(api.GET('/api/v1/vendors', { params: { query: {} } })), []);
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  tomorrow.setHours(9, 0, 0, 0);
  const [who, setWho] = useState('');
  const [address, setAddress] = useState('');
  const [start, setStart] = useState(localInput(tomorrow));
  const [hours, setHours] = useState(2);
  const [task, setTask] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const options = [
    ...(partners.value?.items ?? []).filter((v) => v.kind === 'service_partner' && v.active).map((v) => ({ key: `vendor:${v.id}`, label: v.name })),
    ...session.staff.filter((u) => u.active).map((u) => ({ key: `user:${u.id}`, label: `${u.name} (${t('visit.ownTechnician')})` })),
  ];
  const chosen = who || options[0]?.key || '';
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const [kind, id] = chosen.split(':');
    const begins = new Date(start);
    const ends = new Date(begins.getTime() + hours * 3600 * 1000);
    try {
      await ok(
        api.POST('/api/v1/tickets/{id}/visits', {
          params: { path: { id: props.ticketId } },
          body: {
            technician: kind === 'vendor' ? { vendor: id } : { user: id },
            address,
            start: begins.toISOString(),
            end: ends.toISOString(),
            task,
            confirmed,
          },
        }),
      );
      props.onDone();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <form class="visit-form grid" onSubmit={submit} aria-label={t('visit.schedule')}>
      <ErrorBanner error={error} />
      <Field label={t('visit.technician')} id="visit-who">
        <select id="visit-who" value={chosen} onChange={(e) => setWho(e.currentTarget.value)}>
          {options.map((o) => (
            <option key={o.key} value={o.key}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('visit.where')} id="visit-address">
        <textarea id="visit-address" required rows={2} value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
      </Field>
      <Field label={t('visit.starts')} id="visit-start">
        <input id="visit-start" type="datetime-local" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
      </Field>
      <Field label={t('visit.hours')} id="visit-hours">
        <input id="visit-hours" type="number" min={1} max={12} required value={hours} onInput={(e) => setHours(Number(e.currentTarget.value))} />
      </Field>
      <Field label={t('visit.what')} id="visit-task">
        <textarea id="visit-task" required rows={2} value={task} onInput={(e) => setTask(e.currentTarget.value)} />
      </Field>
      <label>
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} /> {t('visit.alreadyAgreed')}
      </label>
      <div class="actions">
        <button type="submit" class="primary">
          {t('visit.schedule')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A ticket's field-service visits, and scheduling one (after-sale tickets). */
export function VisitsPanel(props: { ticketId: string; revision: number; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [scheduling, setScheduling] = useState(false);
  const list = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/visits', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision],
  );
  return (
    <section class="visits-panel" aria-labelledby="visits-title">
      <h2 id="visits-title">{t('visit.title')}</h2>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.value?.items.map((v) => (
        <VisitCard
          key={v.id}
          visit={v}
          onChanged={() => {
            list.reload();
            props.onChanged();
          }}
        />
      ))}
      {scheduling ? (
        <ScheduleForm
          ticketId={props.ticketId}
          onCancel={() => setScheduling(false)}
          onDone={() => {
            setScheduling(false);
            session.notify(t('visit.scheduled'));
            list.reload();
            props.onChanged();
          }}
        />
      ) : (
        <button type="button" onClick={() => setScheduling(true)}>
          {t('visit.schedule')}
        </button>
      )}
    </section>
  );
}
