import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorBanner, Link, Loading } from '../components/ui';

const day = (date: Date) => date.toISOString().slice(0, 10);
const percent = (share: number | null | undefined) => (share == null ? '—' : `${Math.round(share * 100)}%`);
const minutes = (value: number | null | undefined) => (value == null ? '—' : value < 120 ? `${Math.round(value)} min` : `${(value / 60).toFixed(1)} h`);

/** Which vendors keep their promises: the scorecard over a chosen period, and its CSV. */
export function ScorecardPage() {
  const { t } = useI18n();
  const [to, setTo] = useState(day(new Date(Date.now() + 86_400_000)));
  const [from, setFrom] = useState(day(new Date(Date.now() - 365 * 86_400_000)));
  const query = { from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` };
  const card = useLoad(() => ok(api.GET('/api/v1/vendor-scorecard', { params: { query } })), [from, to]);
  const csv = `/api/v1/vendor-scorecard.csv?${new URLSearchParams(query).toString()}`;
  return (
    <section class="escalation-queue" aria-labelledby="scorecard-title">
      <h1 id="scorecard-title">{t('score.title')}</h1>
      <p>
        <Link href="/escalations">{t('esc.title')}</Link> · <Link href="/escalations?overdue=true">{t('esc.overdueTitle')}</Link>
      </p>
      <div class="esc-filters">
        <label>
          {t('score.from')} <input type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('score.to')} <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
        <a href={csv} download>
          {t('score.csv')}
        </a>
      </div>
      <ErrorBanner error={card.error} onRetry={card.reload} />
      {!card.value ? (
        <Loading />
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label={t('score.title')}>
          <table class="scorecard" data-loaded="true">
            <thead>
              <tr>
                <th scope="col">{t('esc.vendor')}</th>
                <th scope="col">{t('score.opened')}</th>
                <th scope="col">{t('score.ackMedian')}</th>
                <th scope="col">{t('score.ackP90')}</th>
                <th scope="col">{t('score.answerMedian')}</th>
                <th scope="col">{t('score.answerP90')}</th>
                <th scope="col">{t('score.inTarget')}</th>
                <th scope="col">{t('score.returned')}</th>
                <th scope="col">{t('score.reopened')}</th>
              </tr>
            </thead>
            <tbody>
              {card.value.items.map((row) => (
                <tr key={row.vendor.id}>
                  <th scope="row">
                    {row.vendor.name} <span class="muted">{t(`vendors.kind.${row.vendor.kind}` as MessageKey)}</span>
                  </th>
                  <td>{row.opened}</td>
                  <td>{minutes(row.acknowledge_median_minutes)}</td>
                  <td>{minutes(row.acknowledge_p90_minutes)}</td>
                  <td>{minutes(row.answer_median_minutes)}</td>
                  <td>{minutes(row.answer_p90_minutes)}</td>
                  <td>{percent(row.answered_within_target)}</td>
                  <td>{percent(row.returned)}</td>
                  <td>{percent(row.reopened_after_answer)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
