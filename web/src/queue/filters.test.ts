import { describe, expect, it } from 'vitest';
import { EMPTY, apiQuery, filtersFromSearch, searchFromFilters, viewFilters, withSearch } from './filters';

describe('queue filters in the URL', () => {
  it('read lists, single values and the sort', () => {
    const filters = filtersFromSearch('?status=open,pending&team=t1&assignee=me&q=%E9%80%80%E8%B4%A7&sort=priority&view=mine');
    expect(filters).toEqual({
      ...EMPTY,
      view: 'mine',
      status: ['open', 'pending'],
      team: 't1',
      assignee: 'me',
      q: '退货',
      sort: 'priority',
    });
  });

  it('survive a round trip', () => {
    const filters = {
      ...EMPTY,
      status: ['unsolved'],
      stage: ['after_sale'],
      channel: ['phone', 'email'],
      priority: ['urgent'],
      tag: 'vip',
      sort: 'created_asc' as const,
      view: 'x',
    };
    expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters);
  });

  it('leave defaults out of the URL', () => {
    expect(searchFromFilters(EMPTY)).toBe('');
    expect(searchFromFilters({ ...EMPTY, sort: 'updated', q: 'refund' })).toBe('?q=refund');
  });

  it('ignore an unknown sort and empty list items', () => {
    const filters = filtersFromSearch('?sort=sideways&status=,open,,');
    expect(filters.sort).toBe('updated');
    expect(filters.status).toEqual(['open']);
  });

  it('become the API query, without the view and with the page', () => {
    const query = apiQuery({ ...EMPTY, view: 'mine', status: ['unsolved'], assignee: 'me' }, 'abc', 50);
    expect(query).toEqual({ status: 'unsolved', assignee: 'me', limit: 50, cursor: 'abc' });
  });

  it('expand a built-in view from its API query', () => {
    expect(viewFilters('pending', 'status=pending')).toEqual({ ...EMPTY, view: 'pending', status: ['pending'] });
  });

  it('rank a new search by best match, and only a search', () => {
    expect(withSearch(EMPTY, 'refund').sort).toBe('relevance');
    expect(withSearch({ ...EMPTY, sort: 'created' }, 'refund').sort).toBe('created');
    expect(withSearch({ ...EMPTY, q: 'refund', sort: 'relevance' }, '').sort).toBe('updated');
    expect(filtersFromSearch('?sort=relevance').sort).toBe('updated');
    expect(filtersFromSearch('?q=refund&sort=relevance').sort).toBe('relevance');
  });
});
