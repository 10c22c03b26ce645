import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Link, Loading } from '../components/ui';
import { type EscalationDetail, EscalationView } from './EscalationView';

/** One escalation on its own page: for vendor users in the portal, for agents from the
 * escalations queue. */
export function EscalationPage(props: { id: string; back: string; backLabel: string; staff: boolean }) {
  const { t } = useI18n();
  const session = useSession();
  const loaded = useLoad(() => ok(api.GET('/api/v1/escalations/{id}', { params: { path: { id: props.id } } })), [props.id]);
  const [detail, setDetail] = useState<EscalationDetail | null>(null);
  useEffect(() => setDetail(loaded.value ?? null), [loaded.value]);
  if (loaded.error && !loaded.value) return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />;
  if (!detail) return <Loading />;
  return (
    <div class="escalation-page">
      <p>
        <Link href={props.back}>← {props.backLabel}</Link>
      </p>
      <EscalationView
        detail={detail}
        staff={props.staff}
        onChanged={setDetail}
        onCopied={() => {
          session.notify(t('esc.copied'));
          loaded.reload();
        }}
      />
    </div>
  );
}
