import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { ticketNumber } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner, Link, Loading } from '../components/ui';
import { Due, EscalationBadge } from './EscalationView';

/** A queue of escalations, the next due first (overdue ones lead), with filters and search:
 * a vendor user's own (`base` `/vendor`) or every vendor's for agents (`/escalations`). */
export function EscalationQueue(props: { base: string; title: string; overdueOnly?: boolean }) {
  const { t } = useI18n();
  const [status, setStatus] = useState('open');
  const [overdue, setOverdue] = useState(props.overdueOnly ?? false);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const list = useLoad(
    () =>
      ok(
        api.GET('/api/v1/escalations', {
          params: { query: { status, overdue: overdue || undefined, q: q || undefined, limit: 100 } },
        }),
      ),
    [status, overdue, q],
  );
  return (
    <section class="escalation-queue" aria-labelledby="esc-queue-title">
      <h1 id="esc-queue-title">{props.title}</h1>
      {props.base === '/escalations' && (
        <p>
          <Link href="/escalations">{t('esc.title')}</Link> · <Link href="/escalations?overdue=true">{t('esc.overdueTitle')}</Link> ·{' '}
          <Link href="/escalations/scorecard">{t('esc.scorecardLink')}</Link>
        </p>
      )}
      <form
        class="esc-filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(typed.trim());
        }}
      >
        <label>
          {t('esc.filter.status')}{' '}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="open">{t('esc.filter.openOnly')}</option>
            <option value="all">{t('esc.filter.all')}</option>
            {(['requested', 'acknowledged', 'in_progress', 'info_requested', 'answered', 'returned', 'closed'] as const).map(
              (s) => (
                <option key={s} value={s}>
                  {t(`esc.status.${s}`)}
                </option>
              ),
            )}
          </select>
        </label>
        <label class="inline-check">
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.currentTarget.checked)} />{' '}
          {t('esc.filter.overdue')}
        </label>
        <input
          type="search"
          aria-label={t('esc.search')}
          placeholder={t('esc.search')}
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
      </form>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {!list.value ? (
        <Loading />
      ) : list.value.items.length === 0 ? (
        <p class="empty" data-loaded="true">
          {t('portal.empty')}
        </p>
      ) : (
        <>
          <p class="muted">{t('esc.count', { count: list.value.total })}</p>
          <ul class="esc-cards" data-loaded="true">
            {list.value.items.map((e) => (
              <li key={e.id} class={e.overdue ? 'is-overdue' : undefined}>
                <Link href={`${props.base}/${e.id}`}>
                  <span class="muted">{e.reference}</span> {e.subject}
                </Link>
                <div class="esc-card-meta">
                  <EscalationBadge status={e.status} /> <Due escalation={e} />{' '}
                  {e.ticket ? (
                    <span class="muted">
                      {e.vendor.name} · {ticketNumber(e.ticket.number)}
                    </span>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
