import { api, ok } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorBanner, Link } from '../components/ui';
import { searchFromFilters, viewFilters } from './filters';

type ViewCount = { view: string; name?: string | null; query: string; count: number };

function group(view: string): 'main' | 'teams' | 'stages' | 'waiting' {
  if (view.startsWith('team:')) return 'teams';
  if (view.startsWith('stage:')) return 'stages';
  if (view === 'mine' || view === 'unassigned') return 'main';
  return 'waiting';
}

/** The built-in views with their counts (capped, so they stay cheap on a million tickets). */
export function ViewSidebar(props: { current: string; refresh: number }) {
  const { t } = useI18n();
  const counts = useLoad(() => ok(api.GET('/api/v1/tickets/views')), [props.refresh]);
  const items: ViewCount[] = counts.value?.items ?? [];
  const cap = counts.value?.cap ?? 1000;
  const label = (item: ViewCount) =>
    item.view.startsWith('team:') ? (item.name ?? '') : t(`view.${item.view}` as MessageKey);
  const count = (n: number) => (n >= cap ? t('view.countCapped', { cap: cap - 1 }) : String(n));
  const section = (key: 'main' | 'teams' | 'stages' | 'waiting', title?: string) => {
    const list = items.filter((i) => group(i.view) === key);
    if (list.length === 0) return null;
    return (
      <div class="view-group">
        {title && <h3>{title}</h3>}
        <ul>
          {list.map((item) => {
            const href = `/queue${searchFromFilters(viewFilters(item.view, item.query))}`;
            return (
              <li key={item.view}>
                <Link href={href} class="view-link" aria-current={props.current === item.view ? 'page' : undefined}>
                  <span>{label(item)}</span>
                  <span class="count">{count(item.count)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    );
  };
  return (
    <nav class="views" aria-label={t('view.views')}>
      <h2>{t('view.views')}</h2>
      <ErrorBanner error={counts.error} onRetry={counts.reload} />
      {section('main')}
      {section('teams', t('view.teams'))}
      {section('stages', t('view.stages'))}
      {section('waiting', t('view.statuses'))}
    </nav>
  );
}
