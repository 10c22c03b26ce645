import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner, Loading } from '../components/ui';
import { type Visit, VisitBadge } from './VisitCard';

const DAY = 24 * 3600 * 1000;

/** 00:00 (local time) of the day `date` is in. */
function dayStart(date: Date): Date {
  const start = new Date(date);
  start.setHours(0, 0, 0, 0);
  return start;
}

/** The visits of seven days from today (or a week before or after), a row per technician
 * and a column per day (agents). */
export function CalendarPage() {
  const { t, locale } = useI18n();
  const [week, setWeek] = useState(() => dayStart(new Date()));
  const end = new Date(week.getTime() + 7 * DAY);
  const visits = useLoad(
    () => ok(api.GET('/api/v1/visits', { params: { query: { from: week.toISOString(), to: end.toISOString() } } })),
    [week.getTime()],
  );
  const days = Array.from({ length: 7 }, (_, i) => new Date(week.getTime() + i * DAY));
  const dayName = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short' });
  const hour = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const rows = new Map<string, { name: string; visits: Visit[] }>();
  for (const v of visits.value?.items ?? []) {
    const key = `${v.technician.kind}:${v.technician.id}`;
    const row = rows.get(key) ?? { name: v.technician.name, visits: [] };
    row.visits.push(v);
    rows.set(key, row);
  }
  const shift = (weeks: number) => setWeek(new Date(week.getTime() + weeks * 7 * DAY));
  return (
    <div class="calendar-page">
      <h1>{t('visit.calendar')}</h1>
      <div class="actions">
        <button type="button" onClick={() => shift(-1)}>
          {t('visit.previousWeek')}
        </button>
        <button type="button" onClick={() => setWeek(dayStart(new Date()))}>
          {t('visit.thisWeek')}
        </button>
        <button type="button" onClick={() => shift(1)}>
          {t('visit.nextWeek')}
        </button>
      </div>
      <ErrorBanner error={visits.error} onRetry={visits.reload} />
      {!visits.value ? (
        <Loading />
      ) : rows.size === 0 ? (
        <p class="empty">{t('visit.noneThisWeek')}</p>
      ) : (
        <div class="calendar-scroll">
          <table class="calendar">
            <caption class="visually-hidden">{t('visit.calendar')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('visit.technician')}</th>
                {days.map((d) => (
                  <th scope="col" key={d.getTime()}>
                    {dayName.format(d)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...rows.values()].map((row) => (
                <tr key={row.name}>
                  <th scope="row">{row.name}</th>
                  {days.map((d) => (
                    <td key={d.getTime()}>
                      {row.visits
                        .filter((v) => new Date(v.start) < new Date(d.getTime() + DAY) && new Date(v.end) > d)
                        .map((v) => (
                          <div class="calendar-visit" key={v.id}>
                            <span>
                              {hour.format(new Date(v.start))}–{hour.format(new Date(v.end))}
                            </span>{' '}
                            <VisitBadge status={v.status} />
                            {v.ticket && (
                              <a href={`/tickets/${v.ticket.number}`}>
                                #{v.ticket.number} {v.ticket.subject}
                              </a>
                            )}
                          </div>
                        ))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
