import { useEffect, useState } from 'preact/hooks';
import { PRIORITIES, STAGES, STATUSES, type Ticket, type UpdateTicket } from '../api/client';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ChoiceSelect, EnumSelect, Field } from '../components/ui';

/** The side panel: status, priority, stage, team, assignee and tags; each change saves. */
export function Properties(props: { ticket: Ticket; onChange: (changes: UpdateTicket) => void }) {
  const { t } = useI18n();
  const { staff, teams } = useSession();
  const { ticket } = props;
  // Staff always receive these fields; only requesters' views leave them out.
  const current = ticket.tags ?? [];
  const [tags, setTags] = useState(current.join(', '));
  useEffect(() => setTags(current.join(', ')), [current.join(',')]);
  const saveTags = () => {
    const list = tags
      .split(/[,，]/)
      .map((tag) => tag.trim())
      .filter(Boolean);
    if (list.join(',') !== current.join(',')) props.onChange({ tags: list });
  };
  return (
    <section class="panel" aria-labelledby="properties-title">
      <h2 id="properties-title">{t('ticket.properties')}</h2>
      <EnumSelect
        id="prop-status"
        label={t('queue.status')}
        prefix="status"
        values={STATUSES}
        value={ticket.status}
        onChange={(status) => props.onChange({ status })}
      />
      <EnumSelect
        id="prop-priority"
        label={t('queue.priority')}
        prefix="priority"
        values={PRIORITIES}
        value={ticket.priority ?? 'normal'}
        onChange={(priority) => props.onChange({ priority })}
      />
      <EnumSelect
        id="prop-stage"
        label={t('queue.stage')}
        prefix="stage"
        values={STAGES}
        value={ticket.stage ?? 'pre_sale'}
        onChange={(stage) => props.onChange({ stage })}
      />
      <ChoiceSelect
        id="prop-team"
        label={t('queue.team')}
        empty={t('common.none')}
        choices={teams}
        value={ticket.team?.id ?? ''}
        onChange={(id) => props.onChange({ team_id: id || null })}
      />
      <ChoiceSelect
        id="prop-assignee"
        label={t('queue.assignee')}
        empty={t('queue.unassigned')}
        choices={staff}
        value={ticket.assignee?.id ?? ''}
        onChange={(id) => props.onChange({ assignee_id: id || null })}
      />
      <Field label={t('ticket.tags')} id="prop-tags" hint={t('ticket.tagsHelp')}>
        <input
          id="prop-tags"
          value={tags}
          aria-describedby="prop-tags-hint"
          onInput={(e) => setTags(e.currentTarget.value)}
          onBlur={saveTags}
          onKeyDown={(e) => e.key === 'Enter' && saveTags()}
        />
      </Field>
    </section>
  );
}
