import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useTicketChanges } from '../livechat/LiveChat';
import { ApiError, api, ok, type Ticket } from '../api/client';
import { useLoad, useShortcuts } from '../hooks';
import { useI18n } from '../i18n';
import { navigate, usePlace } from '../router';
import { ErrorBanner, Loading } from '../components/ui';
import { EMPTY, type Filters, apiQuery, filtersFromSearch, searchFromFilters } from './filters';
import { FilterBar } from './FilterBar';
import { ViewSidebar } from './ViewSidebar';
import { TicketTable } from './TicketTable';
import { BulkBar } from './BulkBar';

/** The agent's working list: built-in views, filters in the URL, keyset pages, bulk actions. */
export function QueuePage() {
  const { t } = useI18n();
  const place = usePlace();
  // With no filters at all, the queue opens on the work still to do.
  const filters = useMemo(
    () => (place.search ? filtersFromSearch(place.search) : { ...EMPTY, status: ['unsolved'] }),
    [place.search],
  );
  // Pages after the first, kept with the query they belong to so that a new query never shows
  // (or acts on) the old query's rows.
  const [extra, setExtra] = useState<{ key: string; items: Ticket[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [views, setViews] = useState(0);
  const search = useRef<HTMLInputElement>(null);

  const first = useLoad(
    () => ok(api.GET('/api/v1/tickets', { params: { query: apiQuery(filters) } })),
    [filters],
  );
  useTicketChanges(() => {
    first.reload();
    setViews((v) => v + 1);
  });
  const key = place.search;
  const more = extra?.key === key ? extra : null;
  const items = first.value ? [...first.value.items, ...(more?.items ?? [])] : [];
  const cursor = more ? more.cursor : (first.value?.next_cursor ?? null);
  useEffect(() => {
    if (first.value) {
      setActive(0);
      setSelected(new Set());
      performance.mark('kefu:queue-rendered');
    }
  }, [first.value]);

  const show = (next: Filters) => navigate(`/queue${searchFromFilters(next)}`);

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await ok(api.GET('/api/v1/tickets', { params: { query: apiQuery(filters, cursor) } }));
      setExtra({ key, items: [...(more?.items ?? []), ...page.items], cursor: page.next_cursor ?? null });
    } catch (cause) {
      setMoreError(cause as ApiError);
    } finally {
      setLoadingMore(false);
    }
  };

  const open = (ticket: Ticket | undefined) => ticket && navigate(`/tickets/${ticket.number}`);
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useShortcuts(
    (event) => {
      if (event.key === 'j') setActive((i) => Math.min(i + 1, Math.max(items.length - 1, 0)));
      else if (event.key === 'k') setActive((i) => Math.max(i - 1, 0));
      else if (event.key === 'Enter') open(items[active]);
      else if (event.key === 'x' && items[active]) toggle(items[active]!.id);
      else if (event.key === '/') {
        event.preventDefault();
        search.current?.focus();
      } else return;
    },
  );

  const afterBulk = () => {
    first.reload();
    setViews((v) => v + 1);
  };

  return (
    <div class="queue-layout">
      <ViewSidebar current={filters.view} refresh={views} />
      <section class="queue" aria-labelledby="queue-title">
        <h1 id="queue-title" class="visually-hidden">
          {t('queue.title')}
        </h1>
        <FilterBar filters={filters} onChange={show} searchRef={search} />
        {selected.size > 0 && (
          <BulkBar ids={[...selected]} onDone={afterBulk} onClear={() => setSelected(new Set())} />
        )}
        <ErrorBanner error={first.error} onRetry={first.reload} />
        {first.loading && !first.value ? (
          <Loading />
        ) : (
          <TicketTable
            tickets={items}
            active={active}
            selected={selected}
            onToggle={toggle}
            onToggleAll={(all) => setSelected(all ? new Set(items.map((i) => i.id)) : new Set())}
            onActivate={setActive}
            loaded={!first.loading && !first.error && first.value !== undefined}
            query={key}
          />
        )}
        <ErrorBanner error={moreError} onRetry={loadMore} />
        {cursor && (
          <div class="load-more">
            <button type="button" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? t('common.loading') : t('queue.loadMore')}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
