import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner, Loading } from '../components/ui';
import { VisitCard } from './VisitCard';

/** A service partner's visits in the vendor portal: the coming four weeks (and the past
 * week), each with the steps its technician may take, down to a phone's width. */
export function PortalVisits() {
  const { t } = useI18n();
  const from = new Date(Date.now() - 7 * 24 * 3600 * 1000);
  const to = new Date(Date.now() + 28 * 24 * 3600 * 1000);
  const visits = useLoad(
    () => ok(api.GET('/api/v1/visits', { params: { query: { from: from.toISOString(), to: to.toISOString() } } })),
    [],
  );
  return (
    <section aria-labelledby="portal-visits">
      <h1 id="portal-visits">{t('visit.portalTitle')}</h1>
      <ErrorBanner error={visits.error} onRetry={visits.reload} />
      {!visits.value ? (
        <Loading />
      ) : visits.value.items.length === 0 ? (
        <p class="empty">{t('visit.none')}</p>
      ) : (
        visits.value.items.map((v) => <VisitCard key={v.id} visit={v} onChanged={visits.reload} />)
      )}
    </section>
  );
}
