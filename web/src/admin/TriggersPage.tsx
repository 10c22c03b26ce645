import { useState } from 'preact/hooks';
import { ApiError, CHANNELS, PRIORITIES, STAGES, STATUSES, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { Checks, ErrorBanner, Field, Loading } from '../components/ui';
import { listOf } from './RoutingPage';
import { SurveySettings } from '../surveys/SurveySettings';

type Trigger = Schemas['TriggerResponse'];
type TriggerRequest = Schemas['TriggerRequest'];
type Action = Schemas['TriggerActionBody'];
type Event = Schemas['TriggerEvent'];

const EVENTS: readonly Event[] = [
  'ticket_created',
  'customer_replied',
  'status_changed',
  'sla_near_breach',
  'sla_breached',
  'escalation_overdue',
  'satisfaction_rated_low',
  'scheduled',
];
const ACTION_TYPES: readonly Action['type'][] = [
  'set_status',
  'set_priority',
  'set_team',
  'assign',
  'add_tags',
  'remove_tags',
  'note',
  'email_requester',
  'email_assignee',
  'call_webhook',
];

/** The integration webhooks a trigger may call. */
type Integrations = readonly { id: string; name: string }[];

/** A new action of `type`, with the first sensible value. */
function blank(type: Action['type'], team: string, integration = ''): Action {
  switch (type) {
    case 'call_webhook':
      return { type, integration_id: integration };
    case 'set_status':
      return { type, status: 'open' };
    case 'set_priority':
      return { type, priority: 'high' };
    case 'set_team':
      return { type, team_id: team };
    case 'assign':
      return { type, user_id: null };
    case 'add_tags':
    case 'remove_tags':
      return { type, tags: [] };
    default:
      return { type, text_en: '', text_zh: '' };
  }
}

/** One action's fields. */
function ActionFields(props: {
  id: string;
  action: Action;
  integrations: Integrations;
  onChange: (a: Action) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const { teams, staff } = useSession();
  const a = props.action;
  const id = props.id;
  let fields;
  switch (a.type) {
    case 'set_status':
      fields = (
        <select id={`${id}-value`} aria-label={t('triggers.value')} value={a.status} onChange={(e) => props.onChange({ ...a, status: e.currentTarget.value as Schemas['Status'] })}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      );
      break;
    case 'set_priority':
      fields = (
        <select id={`${id}-value`} aria-label={t('triggers.value')} value={a.priority} onChange={(e) => props.onChange({ ...a, priority: e.currentTarget.value as Schemas['Priority'] })}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}` as MessageKey)}
            </option>
          ))}
        </select>
      );
      break;
    case 'set_team':
      fields = (
        <select id={`${id}-value`} aria-label={t('triggers.value')} value={a.team_id} onChange={(e) => props.onChange({ ...a, team_id: e.currentTarget.value })}>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      );
      break;
    case 'assign':
      fields = (
        <select id={`${id}-value`} aria-label={t('triggers.value')} value={a.user_id ?? ''} onChange={(e) => props.onChange({ ...a, user_id: e.currentTarget.value || null })}>
          <option value="">{t('triggers.nobody')}</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      );
      break;
    case 'call_webhook':
      fields = (
        <select id={`${id}-value`} aria-label={t('triggers.value')} value={a.integration_id} onChange={(e) => props.onChange({ ...a, integration_id: e.currentTarget.value })}>
          {props.integrations.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </select>
      );
      break;
    case 'add_tags':
    case 'remove_tags':
      fields = (
        <input id={`${id}-value`} aria-label={t('triggers.tags')} value={a.tags.join(', ')} onInput={(e) => props.onChange({ ...a, tags: listOf(e.currentTarget.value) })} />
      );
      break;
    default:
      fields = (
        <>
          <textarea id={`${id}-en`} aria-label={t('triggers.textEn')} rows={2} value={a.text_en ?? ''} onInput={(e) => props.onChange({ ...a, text_en: e.currentTarget.value })} />
          <textarea id={`${id}-zh`} aria-label={t('triggers.textZh')} rows={2} value={a.text_zh ?? ''} onInput={(e) => props.onChange({ ...a, text_zh: e.currentTarget.value })} />
        </>
      );
  }
  return (
    <li class="trigger-action">
      <select aria-label={t('triggers.actionType')} value={a.type} onChange={(e) => props.onChange(blank(e.currentTarget.value as Action['type'], teams[0]?.id ?? '', props.integrations[0]?.id))}>
        {ACTION_TYPES.map((type) => (
          <option key={type} value={type}>
            {t(`triggers.action.${type}` as MessageKey)}
          </option>
        ))}
      </select>
      {fields}
      <button type="button" class="link-button" onClick={props.onRemove}>
        {t('triggers.removeAction')}
      </button>
    </li>
  );
}

/** One trigger's editor; without a trigger, the form that adds one. */
function TriggerForm(props: {
  trigger?: Trigger;
  integrations: Integrations;
  onSaved: () => void;
  onError: (e: ApiError) => void;
}) {
  const { t } = useI18n();
  const { notify, teams } = useSession();
  const tr = props.trigger;
  const key = tr?.id ?? 'new';
  const c = tr?.conditions;
  const [name, setName] = useState(tr?.name ?? '');
  const [event, setEvent] = useState<Event>(tr?.event ?? 'ticket_created');
  const [position, setPosition] = useState(tr ? String(tr.position) : '');
  const [active, setActive] = useState(tr?.active ?? true);
  const [hours, setHours] = useState(c?.hours ? String(c.hours) : '72');
  const [statuses, setStatuses] = useState<string[]>(c?.statuses ?? []);
  const [priorities, setPriorities] = useState<string[]>(c?.priorities ?? []);
  const [stages, setStages] = useState<string[]>(c?.stages ?? []);
  const [channels, setChannels] = useState<string[]>(c?.channels ?? []);
  const [chosenTeams, setTeams] = useState<string[]>(c?.teams ?? []);
  const [tagsAny, setTagsAny] = useState((c?.tags_any ?? []).join(', '));
  const [tagsNone, setTagsNone] = useState((c?.tags_none ?? []).join(', '));
  const [assigned, setAssigned] = useState(c?.assigned == null ? '' : String(c.assigned));
  const [actions, setActions] = useState<Action[]>(tr?.actions ?? [blank('add_tags', '')]);
  const save = async (e: Event | globalThis.Event) => {
    (e as globalThis.Event).preventDefault();
    const body: TriggerRequest = {
      name,
      event,
      position: position.trim() === '' ? null : Number(position),
      active,
      conditions: {
        statuses: statuses as Schemas['Status'][],
        priorities: priorities as Schemas['Priority'][],
        stages: stages as Schemas['Stage'][],
        channels: channels as Schemas['Channel'][],
        teams: chosenTeams,
        tags_any: listOf(tagsAny),
        tags_none: listOf(tagsNone),
        assigned: assigned === '' ? null : assigned === 'true',
        hours: event === 'scheduled' ? Number(hours) : null,
      },
      actions,
    };
    try {
      if (tr) {
        await ok(api.PUT('/api/v1/triggers/{id}', { params: { path: { id: tr.id } }, body }));
        notify(t('common.saved'));
      } else {
        await ok(api.POST('/api/v1/triggers', { body }));
        notify(t('admin.created', { name }));
        setName('');
        setActions([blank('add_tags', '')]);
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!tr) return;
    try {
      await ok(api.DELETE('/api/v1/triggers/{id}', { params: { path: { id: tr.id } } }));
      notify(t('routing.removed', { name: tr.name }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <form class="panel trigger" onSubmit={save} aria-labelledby={`trigger-${key}`}>
      <h3 id={`trigger-${key}`}>
        {tr ? tr.name : t('triggers.new')}
        {tr && !tr.active && <span class="badge"> {t('sla.inactive')}</span>}
      </h3>
      <div class="grid">
        <Field label={t('admin.thingName')} id={`trigger-name-${key}`}>
          <input id={`trigger-name-${key}`} required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('triggers.event')} id={`trigger-event-${key}`}>
          <select id={`trigger-event-${key}`} value={event} onChange={(e) => setEvent(e.currentTarget.value as Event)}>
            {EVENTS.map((ev) => (
              <option key={ev} value={ev}>
                {t(`triggers.event.${ev}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        {event === 'scheduled' && (
          <Field label={t('triggers.hours')} id={`trigger-hours-${key}`} hint={t('triggers.hoursHint')}>
            <input id={`trigger-hours-${key}`} type="number" min={1} max={8760} required value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
          </Field>
        )}
        <Field label={t('sla.position')} id={`trigger-position-${key}`} hint={t('routing.positionHint')}>
          <input id={`trigger-position-${key}`} type="number" value={position} onInput={(e) => setPosition(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset>
        <legend>{t('triggers.if')}</legend>
        <p class="muted">{t('routing.whenHint')}</p>
        <Checks legend={t('queue.status')} all={STATUSES.map((v) => ({ value: v, label: t(`status.${v}` as MessageKey) }))} chosen={statuses} onChange={setStatuses} />
        <Checks legend={t('queue.priority')} all={PRIORITIES.map((v) => ({ value: v, label: t(`priority.${v}` as MessageKey) }))} chosen={priorities} onChange={setPriorities} />
        <Checks legend={t('queue.stage')} all={STAGES.map((v) => ({ value: v, label: t(`stage.${v}` as MessageKey) }))} chosen={stages} onChange={setStages} />
        <Checks legend={t('queue.channel')} all={CHANNELS.map((v) => ({ value: v, label: t(`channel.${v}` as MessageKey) }))} chosen={channels} onChange={setChannels} />
        <Checks legend={t('queue.team')} all={teams.map((team) => ({ value: team.id, label: team.name }))} chosen={chosenTeams} onChange={setTeams} />
        <div class="grid">
          <Field label={t('triggers.tagsAny')} id={`trigger-any-${key}`} hint={t('routing.listHint')}>
            <input id={`trigger-any-${key}`} value={tagsAny} onInput={(e) => setTagsAny(e.currentTarget.value)} />
          </Field>
          <Field label={t('triggers.tagsNone')} id={`trigger-none-${key}`} hint={t('routing.listHint')}>
            <input id={`trigger-none-${key}`} value={tagsNone} onInput={(e) => setTagsNone(e.currentTarget.value)} />
          </Field>
          <Field label={t('triggers.assigned')} id={`trigger-assigned-${key}`}>
            <select id={`trigger-assigned-${key}`} value={assigned} onChange={(e) => setAssigned(e.currentTarget.value)}>
              <option value="">{t('triggers.assigned.any')}</option>
              <option value="true">{t('triggers.assigned.yes')}</option>
              <option value="false">{t('triggers.assigned.no')}</option>
            </select>
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('triggers.then')}</legend>
        <ol class="trigger-actions">
          {actions.map((action, i) => (
            <ActionFields
              key={`${i}-${action.type}`}
              id={`trigger-${key}-action-${i}`}
              action={action}
              integrations={props.integrations}
              onChange={(next) => setActions(actions.map((a, j) => (j === i ? next : a)))}
              onRemove={() => setActions(actions.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
        <button type="button" onClick={() => setActions([...actions, blank('note', teams[0]?.id ?? '')])} disabled={actions.length >= 10}>
          {t('triggers.addAction')}
        </button>
      </fieldset>
      <label class="toggle">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        {t('sla.active')}
      </label>
      <div class="actions">
        <button type="submit" class="primary">
          {tr ? t('common.save') : t('common.create')}
        </button>
        {tr && (
          <button type="button" class="link-button" onClick={() => void remove()}>
            {t('triggers.remove')}
          </button>
        )}
      </div>
    </form>
  );
}

/** Admins: triggers and scheduled automations. */
export function TriggersPage() {
  const { t } = useI18n();
  const triggers = useLoad(() => ok(api.GET('/api/v1/triggers')), []);
  const integrations = useLoad(() => ok(api.GET('/api/v1/integrations')), []);
  const hooks = integrations.value?.items ?? [];
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => {
    setError(null);
    triggers.reload();
  };
  return (
    <div class="admin triggers">
      <h1>{t('nav.triggers')}</h1>
      <p class="muted">{t('triggers.intro')}</p>
      <ErrorBanner error={error ?? triggers.error} />
      {triggers.loading && !triggers.value ? (
        <Loading />
      ) : (
        (triggers.value?.items ?? []).map((trigger) => (
          <TriggerForm key={`${trigger.id}-${trigger.updated_at}`} trigger={trigger} integrations={hooks} onSaved={reload} onError={setError} />
        ))
      )}
      <TriggerForm integrations={hooks} onSaved={reload} onError={setError} />
      <SurveySettings />
    </div>
  );
}
