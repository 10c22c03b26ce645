import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';

type Report = Schemas['Report'];
type Row = Schemas['ReportRow'];
const GROUPS = ['team', 'agent', 'stage', 'channel'] as const;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysAgo(n: number): string {
  return isoDay(new Date(Date.now() - n * 86_400_000));
}

/** Created and solved per day as bars, one pair per day. */
function DailyChart(props: { days: Schemas['ReportDay'][] }) {
  const { t } = useI18n();
  const max = Math.max(1, ...props.days.map((d) => Math.max(d.created, d.solved)));
  const width = Math.max(300, props.days.length * 8);
  const height = 140;
  const bar = width / props.days.length;
  const created = props.days.reduce((n, d) => n + d.created, 0);
  const solved = props.days.reduce((n, d) => n + d.solved, 0);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t('reports.dailyLabel', { created, solved, days: props.days.length })} preserveAspectRatio="none">
        {props.days.map((d, i) => (
          <g key={d.day}>
            <title>{t('reports.dayTitle', { day: d.day, created: d.created, solved: d.solved })}</title>
            <rect class="created" x={i * bar} width={Math.max(1, bar / 2 - 0.5)} y={height - (d.created / max) * height} height={(d.created / max) * height} />
            <rect class="solved" x={i * bar + bar / 2} width={Math.max(1, bar / 2 - 0.5)} y={height - (d.solved / max) * height} height={(d.solved / max) * height} />
          </g>
        ))}
      </svg>
      <figcaption>
        <span class="key created" /> {t('reports.created')} · <span class="key solved" /> {t('reports.solved')}
      </figcaption>
    </figure>
  );
}

/** A value or a dash. */
function show(value: number | null | undefined, suffix = ''): string {
  return value == null ? '—' : `${value}${suffix}`;
}

/** Staff: reports over a period, per team, agent, stage or channel, with CSV export. */
export function ReportsPage() {
  const { t } = useI18n();
  const { teams } = useSession();
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(isoDay(new Date()));
  const [by, setBy] = useState<(typeof GROUPS)[number]>('team');
  const [team, setTeam] = useState('');
  const query = { from, to, by, ...(team ? { team_id: team } : {}) };
  const report = useLoad(() => ok(api.GET('/api/v1/reports', { params: { query } })), [from, to, by, team]);
  // Rows are named by the grouping of the report shown, which lags the choice while it loads.
  const label = (row: Row, shownBy: string) =>
    row.key == null || (shownBy !== 'stage' && shownBy !== 'channel') ? row.label : t(`${shownBy}.${row.key}` as MessageKey);
  const csv = `/api/v1/reports.csv?${new URLSearchParams(query).toString()}`;
  const value: Report | undefined = report.value;
  return (
    <div class="reports">
      <h1>{t('nav.reports')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('reports.filters')}>
        <Field label={t('reports.from')} id="report-from">
          <input id="report-from" type="date" value={from} max={to} onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field label={t('reports.to')} id="report-to">
          <input id="report-to" type="date" value={to} min={from} onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
        <Field label={t('reports.by')} id="report-by">
          <select id="report-by" value={by} onChange={(e) => setBy(e.currentTarget.value as (typeof GROUPS)[number])}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`reports.by.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('queue.team')} id="report-team">
          <select id="report-team" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
            <option value="">{t('reports.allTeams')}</option>
            {teams.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </Field>
        <div class="presets">
          <button type="button" onClick={() => { setFrom(daysAgo(6)); setTo(isoDay(new Date())); }}>
            {t('reports.last7')}
          </button>
          <button type="button" onClick={() => { setFrom(daysAgo(29)); setTo(isoDay(new Date())); }}>
            {t('reports.last30')}
          </button>
          <button type="button" onClick={() => { setFrom(daysAgo(364)); setTo(isoDay(new Date())); }}>
            {t('reports.lastYear')}
          </button>
          <a class="button" href={csv} download>
            {t('reports.csv')}
          </a>
        </div>
      </form>
      <ErrorBanner error={report.error} />
      {report.loading && !value ? (
        <Loading />
      ) : (
        value && (
          <>
            <section class="tiles" aria-label={t('reports.totals')}>
              {(
                [
                  ['reports.created', show(value.total.created)],
                  ['reports.solved', show(value.total.solved)],
                  ['reports.firstResponse', show(value.total.first_response_minutes, ' min')],
                  ['reports.resolution', show(value.total.resolution_hours, ' h')],
                  ['reports.slaMet', show(value.total.sla_met_percent, ' %')],
                  ['reports.backlog', show(value.total.backlog)],
                  ['reports.csat', show(value.total.csat_percent, ' %')],
                  ['reports.gap', show(value.total.expectation_gap)],
                ] as const
              ).map(([key, shown]) => (
                <div class="tile" key={key}>
                  <div class="tile-value">{shown}</div>
                  <div class="tile-label">{t(key)}</div>
                </div>
              ))}
            </section>
            <DailyChart days={value.days} />
            <table class="report">
              <caption>{t('reports.tableCaption', { from: value.from, to: value.to })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`reports.by.${value.by}` as MessageKey)}</th>
                  <th scope="col">{t('reports.created')}</th>
                  <th scope="col">{t('reports.solved')}</th>
                  <th scope="col">{t('reports.firstResponse')}</th>
                  <th scope="col">{t('reports.resolution')}</th>
                  <th scope="col">{t('reports.slaMet')}</th>
                  <th scope="col">{t('reports.backlog')}</th>
                  <th scope="col">{t('reports.backlogAge')}</th>
                  <th scope="col">{t('reports.ratings')}</th>
                  <th scope="col">{t('reports.csat')}</th>
                  <th scope="col">{t('reports.gap')}</th>
                </tr>
              </thead>
              <tbody>
                {[...value.rows, value.total].map((row, i) => (
                  <tr key={row.key ?? `none-${i}`} class={i === value.rows.length ? 'total' : ''}>
                    <th scope="row">{label(row, value.by)}</th>
                    <td>{row.created}</td>
                    <td>{row.solved}</td>
                    <td>{show(row.first_response_minutes, ' min')}</td>
                    <td>{show(row.resolution_hours, ' h')}</td>
                    <td>{show(row.sla_met_percent, ' %')}</td>
                    <td>{row.backlog}</td>
                    <td>{show(row.backlog_age_days, ' d')}</td>
                    <td>{row.ratings}</td>
                    <td>
                      {row.csat_percent == null ? (
                        '—'
                      ) : (
                        <span class="meter" style={{ '--share': `${row.csat_percent}%` }}>
                          {row.csat_percent} %
                        </span>
                      )}
                    </td>
                    <td>{show(row.expectation_gap)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {value.vendors.length > 0 && (
              <table class="report">
                <caption>{t('reports.vendors')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('reports.vendor')}</th>
                    <th scope="col">{t('reports.escalations')}</th>
                    <th scope="col">{t('reports.answered')}</th>
                    <th scope="col">{t('reports.turnaround')}</th>
                  </tr>
                </thead>
                <tbody>
                  {value.vendors.map((v) => (
                    <tr key={v.vendor_id}>
                      <th scope="row">{v.vendor_name}</th>
                      <td>{v.escalations}</td>
                      <td>{v.answered_percent} %</td>
                      <td>{show(v.turnaround_hours, ' h')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )
      )}
    </div>
  );
}
