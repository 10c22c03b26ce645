/** The queue's filters and order, and their round trip through the URL. */

import type { paths } from '../api/schema';

export type Sort = 'updated' | 'updated_asc' | 'created' | 'created_asc' | 'priority' | 'due' | 'relevance';

export const SORTS: Sort[] = ['updated', 'updated_asc', 'created', 'created_asc', 'priority', 'due', 'relevance'];

/** The sorts that make sense for these filters: best match only for a search. */
export function sortsFor(filters: Filters): Sort[] {
  return filters.q ? SORTS : SORTS.filter((s) => s !== 'relevance');
}

/** The filters after a new search: a search starts at the best match unless another order was
 * chosen, and leaving search leaves best match. */
export function withSearch(filters: Filters, q: string): Filters {
  let sort = filters.sort;
  if (q && !filters.q && sort === 'updated') sort = 'relevance';
  if (!q && sort === 'relevance') sort = 'updated';
  return { ...filters, q, sort };
}

export interface Filters {
  /** The built-in view the filters came from, for highlighting it. */
  view: string;
  status: string[];
  stage: string[];
  channel: string[];
  priority: string[];
  team: string;
  assignee: string;
  tag: string;
  q: string;
  updatedSince: string;
  /** Only tickets with a service-level target past due. */
  breached: boolean;
  sort: Sort;
}

export const EMPTY: Filters = {
  view: '',
  status: [],
  stage: [],
  channel: [],
  priority: [],
  team: '',
  assignee: '',
  tag: '',
  q: '',
  updatedSince: '',
  breached: false,
  sort: 'updated',
};

const LISTS = ['status', 'stage', 'channel', 'priority'] as const;
const SINGLES = ['team', 'assignee', 'tag', 'q', 'view'] as const;

function list(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Reads filters from a query string (`?status=open,pending&team=…`). */
export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  const sort = params.get('sort') as Sort | null;
  const filters: Filters = { ...EMPTY };
  for (const key of LISTS) filters[key] = list(params.get(key));
  for (const key of SINGLES) filters[key] = params.get(key)?.trim() ?? '';
  filters.updatedSince = params.get('updated_since') ?? '';
  filters.breached = params.get('breached') === 'true';
  filters.sort = sort && sortsFor(filters).includes(sort) ? sort : 'updated';
  return filters;
}

function params(filters: Filters): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of LISTS) if (filters[key].length) out.set(key, filters[key].join(','));
  for (const key of ['team', 'assignee', 'tag', 'q'] as const) {
    if (filters[key]) out.set(key, filters[key]);
  }
  if (filters.updatedSince) out.set('updated_since', filters.updatedSince);
  if (filters.breached) out.set('breached', 'true');
  if (filters.sort !== 'updated') out.set('sort', filters.sort);
  return out;
}

/** The query string for the console's URL; filters at their defaults are left out. */
export function searchFromFilters(filters: Filters): string {
  const out = params(filters);
  if (filters.view) out.set('view', filters.view);
  const text = out.toString();
  return text ? `?${text}` : '';
}

/** The query parameters of `GET /api/v1/tickets`. */
export type TicketQuery = NonNullable<paths['/api/v1/tickets']['get']['parameters']['query']>;

/** The query for `GET /api/v1/tickets` showing these filters, one page after `cursor`. */
export function apiQuery(filters: Filters, cursor?: string | null, limit = 50): TicketQuery {
  const { breached, ...rest } = Object.fromEntries(params(filters));
  const query: TicketQuery = { ...rest, ...(breached ? { breached: true } : {}) };
  query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The filters of a built-in view, from its API query string. */
export function viewFilters(view: string, query: string): Filters {
  return { ...filtersFromSearch(query), view };
}
