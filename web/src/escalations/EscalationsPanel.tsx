import { useState } from 'preact/hooks';
import { api, ok, type Message } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner } from '../components/ui';
import { Due, EscalationBadge, type EscalationDetail, EscalationView } from './EscalationView';
import { EscalateForm } from './EscalateForm';

/** A ticket's escalations: each with its vendor, status and due time, opened in place; and
 * the form to escalate again. */
export function EscalationsPanel(props: { ticketId: string; messages: Message[]; revision: number; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [escalating, setEscalating] = useState(false);
  const [open, setOpen] = useState<EscalationDetail | null>(null);
  const list = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/escalations', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision],
  );
  const show = async (id: string) => {
    setOpen(await ok(api.GET('/api/v1/escalations/{id}', { params: { path: { id } } })));
  };
  const items = list.value?.items ?? [];
  return (
    <section class="escalations-panel" aria-labelledby="escalations-title">
      <h2 id="escalations-title">{t('esc.title')}</h2>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {items.length > 0 && (
        <ul class="escalation-list">
          {items.map((e) => (
            <li key={e.id}>
              <button type="button" class="link" onClick={() => void show(e.id)}>
                {e.reference} · {e.vendor.name}
              </button>{' '}
              <EscalationBadge status={e.status} /> <Due escalation={e} />
            </li>
          ))}
        </ul>
      )}
      {open && (
        <EscalationView
          detail={open}
          staff
          onChanged={(detail) => {
            setOpen(detail);
            list.reload();
            props.onChanged();
          }}
          onCopied={() => {
            session.notify(t('esc.copied'));
            props.onChanged();
            void show(open.escalation.id);
          }}
        />
      )}
      {escalating ? (
        <EscalateForm
          ticketId={props.ticketId}
          messages={props.messages}
          onCancel={() => setEscalating(false)}
          onDone={() => {
            setEscalating(false);
            session.notify(t('esc.sent'));
            list.reload();
            props.onChanged();
          }}
        />
      ) : (
        <button type="button" onClick={() => setEscalating(true)}>
          {t('esc.escalate')}
        </button>
      )}
    </section>
  );
}
