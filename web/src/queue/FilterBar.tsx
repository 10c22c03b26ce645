import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { CHANNELS, PRIORITIES, STAGES, STATUSES } from '../api/client';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { EMPTY, type Filters, type Sort, sortsFor, withSearch } from './filters';

/** A single-choice select over a list filter; several values from a URL show as one option. */
function ListSelect(props: {
  id: string;
  label: string;
  value: string[];
  options: [string, string][];
  onChange: (value: string[]) => void;
}) {
  const { t } = useI18n();
  const joined = props.value.join(',');
  const known = props.options.some(([v]) => v === joined);
  return (
    <div class="filter">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={joined}
        onChange={(e) => props.onChange(e.currentTarget.value ? e.currentTarget.value.split(',') : [])}
      >
        <option value="">{t('common.any')}</option>
        {!known && joined && <option value={joined}>{joined}</option>}
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The queue's filters and sort; every change goes to the URL. */
export function FilterBar(props: { filters: Filters; onChange: (f: Filters) => void; searchRef: RefObject<HTMLInputElement> }) {
  const { t } = useI18n();
  const { staff, teams } = useSession();
  const { filters } = props;
  const [q, setQ] = useState(filters.q);
  const [tag, setTag] = useState(filters.tag);
  useEffect(() => setQ(filters.q), [filters.q]);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  const change = (patch: Partial<Filters>) => props.onChange({ ...filters, ...patch, view: '' });
  const options = (prefix: string, values: readonly string[]): [string, string][] =>
    values.map((v) => [v, t(`${prefix}.${v}` as MessageKey)]);
  return (
    <form
      class="filters"
      role="search"
      aria-label={t('queue.filters')}
      onSubmit={(e) => {
        e.preventDefault();
        change({ ...withSearch(filters, q.trim()), tag: tag.trim() });
      }}
    >
      <div class="filter filter-search">
        <label for="filter-q">{t('queue.search')}</label>
        <input
          id="filter-q"
          ref={props.searchRef}
          type="search"
          value={q}
          placeholder={t('common.search')}
          title={t('queue.searchHint')}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </div>
      <ListSelect
        id="filter-status"
        label={t('queue.status')}
        value={filters.status}
        options={[['unsolved', t('queue.unsolved')], ...options('status', STATUSES)]}
        onChange={(status) => change({ status })}
      />
      <ListSelect
        id="filter-stage"
        label={t('queue.stage')}
        value={filters.stage}
        options={options('stage', STAGES)}
        onChange={(stage) => change({ stage })}
      />
      <ListSelect
        id="filter-channel"
        label={t('queue.channel')}
        value={filters.channel}
        options={options('channel', CHANNELS)}
        onChange={(channel) => change({ channel })}
      />
      <ListSelect
        id="filter-priority"
        label={t('queue.priority')}
        value={filters.priority}
        options={options('priority', PRIORITIES)}
        onChange={(priority) => change({ priority })}
      />
      <ListSelect
        id="filter-team"
        label={t('queue.team')}
        value={filters.team ? [filters.team] : []}
        options={[['none', t('queue.noTeam')], ...teams.map((team): [string, string] => [team.id, team.name])]}
        onChange={([team]) => change({ team: team ?? '' })}
      />
      <ListSelect
        id="filter-assignee"
        label={t('queue.assignee')}
        value={filters.assignee ? [filters.assignee] : []}
        options={[
          ['me', t('queue.me')],
          ['unassigned', t('queue.unassigned')],
          ...staff.map((user): [string, string] => [user.id, user.name]),
        ]}
        onChange={([assignee]) => change({ assignee: assignee ?? '' })}
      />
      <div class="filter">
        <label for="filter-tag">{t('queue.tag')}</label>
        <input id="filter-tag" value={tag} onInput={(e) => setTag(e.currentTarget.value)} size={8} />
      </div>
      <label class="filter toggle">
        <input type="checkbox" checked={filters.breached} onChange={(e) => change({ breached: e.currentTarget.checked })} />
        {t('queue.breached')}
      </label>
      <div class="filter">
        <label for="filter-sort">{t('queue.sort')}</label>
        <select id="filter-sort" value={filters.sort} onChange={(e) => change({ sort: e.currentTarget.value as Sort })}>
          {sortsFor(filters).map((sort) => (
            <option key={sort} value={sort}>
              {t(`queue.sort.${sort}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <div class="filter filter-actions">
        <button type="submit">{t('common.apply')}</button>
        <button type="button" class="link-button" onClick={() => props.onChange(EMPTY)}>
          {t('common.clear')}
        </button>
      </div>
    </form>
  );
}
