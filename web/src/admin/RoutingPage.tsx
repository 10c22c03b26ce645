import { useState } from 'preact/hooks';
import { ApiError, CHANNELS, PRIORITIES, STAGES, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { Checks, ChoiceSelect, EnumSelect, ErrorBanner, Field, Loading } from '../components/ui';

type Rule = Schemas['RuleResponse'];
type RuleRequest = Schemas['RuleRequest'];
type Mailbox = Schemas['MailboxResponse'];
type Assignment = Schemas['AssignmentResponse'];
type Mode = Schemas['AssignmentMode'];

const LANGUAGES = ['en', 'zh-CN'] as const;
const MODES: readonly Mode[] = ['off', 'round_robin', 'least_busy'];
const CAPACITY_CHANNELS = ['email', 'phone', 'web', 'api'] as const;

/** "a, b\nc" → ["a", "b", "c"]: one entry per line or comma (Chinese commas too). */
export function listOf(text: string): string[] {
  return text
    .split(/[\n,，、]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** One rule's editor; without a rule, the form that adds one. */
function RuleForm(props: { rule?: Rule; mailboxes: Mailbox[]; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { notify, teams, staff } = useSession();
  const r = props.rule;
  const key = r?.id ?? 'new';
  const [name, setName] = useState(r?.name ?? '');
  const [position, setPosition] = useState(r ? String(r.position) : '');
  const [stages, setStages] = useState<string[]>(r?.conditions.stages ?? []);
  const [channels, setChannels] = useState<string[]>(r?.conditions.channels ?? []);
  const [mailboxes, setMailboxes] = useState<string[]>(r?.conditions.mailboxes ?? []);
  const [languages, setLanguages] = useState<string[]>(r?.conditions.languages ?? []);
  const [keywords, setKeywords] = useState((r?.conditions.keywords ?? []).join('\n'));
  const [organisations, setOrganisations] = useState((r?.conditions.organisations ?? []).join('\n'));
  const [team, setTeam] = useState(r?.actions.team_id ?? '');
  const [priority, setPriority] = useState<string>(r?.actions.priority ?? '');
  const [tags, setTags] = useState((r?.actions.tags ?? []).join(', '));
  const [assignee, setAssignee] = useState(r?.actions.assignee_id ?? '');
  const [active, setActive] = useState(r?.active ?? true);
  const [stop, setStop] = useState(r?.stop ?? false);
  const save = async (event: Event) => {
    event.preventDefault();
    const body: RuleRequest = {
      name,
      position: position.trim() === '' ? null : Number(position),
      active,
      stop,
      conditions: {
        stages: stages as Schemas['Stage'][],
        channels: channels as Schemas['Channel'][],
        mailboxes,
        languages,
        keywords: listOf(keywords),
        organisations: listOf(organisations),
        customers: r?.conditions.customers ?? [],
      },
      actions: {
        team_id: team || null,
        priority: (priority || null) as Schemas['Priority'] | null,
        tags: listOf(tags),
        assignee_id: assignee || null,
      },
    };
    try {
      if (r) {
        await ok(api.PUT('/api/v1/routing-rules/{id}', { params: { path: { id: r.id } }, body }));
        notify(t('common.saved'));
      } else {
        await ok(api.POST('/api/v1/routing-rules', { body }));
        notify(t('admin.created', { name }));
        setName('');
        setKeywords('');
        setTags('');
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!r) return;
    try {
      await ok(api.DELETE('/api/v1/routing-rules/{id}', { params: { path: { id: r.id } } }));
      notify(t('routing.removed', { name: r.name }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const agents = staff.filter((s) => s.active).map((s) => ({ id: s.id, name: s.name }));
  return (
    <form class="panel rule" onSubmit={save} aria-labelledby={`rule-${key}`}>
      <h3 id={`rule-${key}`}>
        {r ? `${r.position}. ${r.name}` : t('routing.newRule')}
        {r && !r.active && <span class="badge"> {t('sla.inactive')}</span>}
      </h3>
      <div class="grid">
        <Field label={t('admin.thingName')} id={`rule-name-${key}`}>
          <input id={`rule-name-${key}`} required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('sla.position')} id={`rule-position-${key}`} hint={t('routing.positionHint')}>
          <input id={`rule-position-${key}`} type="number" value={position} onInput={(e) => setPosition(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset>
        <legend>{t('routing.when')}</legend>
        <p class="muted">{t('routing.whenHint')}</p>
        <Checks legend={t('queue.stage')} all={STAGES.map((v) => ({ value: v, label: t(`stage.${v}` as MessageKey) }))} chosen={stages} onChange={setStages} />
        <Checks legend={t('queue.channel')} all={CHANNELS.map((v) => ({ value: v, label: t(`channel.${v}` as MessageKey) }))} chosen={channels} onChange={setChannels} />
        {props.mailboxes.length > 0 && (
          <Checks
            legend={t('routing.mailboxes')}
            all={props.mailboxes.map((m) => ({ value: m.id, label: m.address }))}
            chosen={mailboxes}
            onChange={setMailboxes}
          />
        )}
        <Checks legend={t('routing.languages')} all={LANGUAGES.map((v) => ({ value: v, label: t(`routing.language.${v}` as MessageKey) }))} chosen={languages} onChange={setLanguages} />
        <div class="grid">
          <Field label={t('routing.keywords')} id={`rule-keywords-${key}`} hint={t('routing.keywordsHint')}>
            <textarea id={`rule-keywords-${key}`} rows={3} value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} />
          </Field>
          <Field label={t('routing.organisations')} id={`rule-orgs-${key}`} hint={t('routing.listHint')}>
            <textarea id={`rule-orgs-${key}`} rows={3} value={organisations} onInput={(e) => setOrganisations(e.currentTarget.value)} />
          </Field>
        </div>
        {(r?.conditions.customers?.length ?? 0) > 0 && (
          <p class="muted">{t('routing.customersSet', { count: r?.conditions.customers?.length ?? 0 })}</p>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('routing.then')}</legend>
        <div class="grid">
          <ChoiceSelect id={`rule-team-${key}`} label={t('queue.team')} empty={t('routing.leave')} choices={teams} value={team} onChange={setTeam} />
          <Field label={t('queue.priority')} id={`rule-priority-${key}`}>
            <select id={`rule-priority-${key}`} value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
              <option value="">{t('routing.leave')}</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}` as MessageKey)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('routing.addTags')} id={`rule-tags-${key}`} hint={t('routing.listHint')}>
            <input id={`rule-tags-${key}`} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
          </Field>
          <ChoiceSelect id={`rule-agent-${key}`} label={t('routing.assignee')} empty={t('routing.leave')} choices={agents} value={assignee} onChange={setAssignee} />
        </div>
      </fieldset>
      <label class="toggle">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        {t('sla.active')}
      </label>
      <label class="toggle">
        <input type="checkbox" checked={stop} onChange={(e) => setStop(e.currentTarget.checked)} />
        {t('routing.stop')}
      </label>
      <div class="actions">
        <button type="submit" class="primary">
          {r ? t('common.save') : t('common.create')}
        </button>
        {r && (
          <button type="button" class="link-button" onClick={() => void remove()}>
            {t('routing.remove')}
          </button>
        )}
      </div>
    </form>
  );
}

/** "Try it": which rules a ticket arriving so would meet, and what they would set. */
function TryRules(props: { mailboxes: Mailbox[] }) {
  const { t } = useI18n();
  const { teams, staff } = useSession();
  const [stage, setStage] = useState<Schemas['Stage']>('after_sale');
  const [channel, setChannel] = useState<Schemas['Channel']>('email');
  const [mailbox, setMailbox] = useState('');
  const [subject, setSubject] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [result, setResult] = useState<Schemas['RouteTestResponse'] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setResult(
        await ok(
          api.POST('/api/v1/routing-rules/test', {
            body: { stage, channel, subject, body: '', mailbox_id: mailbox || null, organisation: organisation || null },
          }),
        ),
      );
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  const nameOf = (list: { id: string; name: string }[], id?: string | null) => list.find((x) => x.id === id)?.name ?? '—';
  return (
    <form class="panel" onSubmit={run} aria-labelledby="try-title">
      <h3 id="try-title">{t('routing.try')}</h3>
      <ErrorBanner error={error} />
      <div class="grid">
        <EnumSelect id="try-stage" label={t('queue.stage')} prefix="stage" values={STAGES} value={stage} onChange={setStage} />
        <EnumSelect id="try-channel" label={t('queue.channel')} prefix="channel" values={CHANNELS} value={channel} onChange={setChannel} />
        <ChoiceSelect
          id="try-mailbox"
          label={t('routing.mailboxes')}
          empty="—"
          choices={props.mailboxes.map((m) => ({ id: m.id, name: m.address }))}
          value={mailbox}
          onChange={setMailbox}
        />
        <Field label={t('routing.organisations')} id="try-organisation">
          <input id="try-organisation" value={organisation} onInput={(e) => setOrganisation(e.currentTarget.value)} />
        </Field>
        <Field label={t('new.subject')} id="try-subject">
          <input id="try-subject" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
      </div>
      <button type="submit">{t('routing.tryButton')}</button>
      {result && (
        <div role="status" class="try-result">
          {result.matched.length === 0 ? (
            <p>{t('routing.noMatch')}</p>
          ) : (
            <>
              <p>{t('routing.matched', { names: result.matched.map((m) => m.name).join(', ') })}</p>
              <p class="muted">
                {t('queue.team')}: {nameOf(teams, result.result.team_id)} · {t('queue.priority')}:{' '}
                {result.result.priority ? t(`priority.${result.result.priority}` as MessageKey) : '—'} · {t('routing.addTags')}:{' '}
                {result.result.tags?.join(', ') || '—'} · {t('routing.assignee')}: {nameOf(staff, result.result.assignee_id)}
              </p>
            </>
          )}
        </div>
      )}
    </form>
  );
}

/** One team's automatic assignment. */
function AssignmentRow(props: { row: Assignment; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const row = props.row;
  const [mode, setMode] = useState<Mode>(row.mode);
  const [capacities, setCapacities] = useState(row.capacities);
  const save = async () => {
    try {
      await ok(api.PUT('/api/v1/teams/{id}/assignment', { params: { path: { id: row.team_id } }, body: { mode, capacities } }));
      notify(t('common.saved'));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <tr>
      <th scope="row">{row.team_name}</th>
      <td>
        <select aria-label={t('routing.modeFor', { team: row.team_name })} value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {t(`routing.mode.${m}` as MessageKey)}
            </option>
          ))}
        </select>
      </td>
      {CAPACITY_CHANNELS.map((c) => (
        <td key={c}>
          <input
            type="number"
            min={0}
            max={500}
            class="narrow"
            aria-label={t('routing.capacityFor', { team: row.team_name, channel: t(`channel.${c}` as MessageKey) })}
            value={capacities[c]}
            onInput={(e) => setCapacities({ ...capacities, [c]: Number(e.currentTarget.value) })}
          />
        </td>
      ))}
      <td>{row.waiting}</td>
      <td>
        <button type="button" onClick={() => void save()}>
          {t('common.save')}
        </button>
      </td>
    </tr>
  );
}

/** Admins: routing rules tried on every new ticket and chat, and each team's automatic
 * assignment. */
export function RoutingPage() {
  const { t } = useI18n();
  const rules = useLoad(() => ok(api.GET('/api/v1/routing-rules')), []);
  const mailboxes = useLoad(() => ok(api.GET('/api/v1/mailboxes')), []);
  const assignment = useLoad(() => ok(api.GET('/api/v1/team-assignment')), []);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => {
    setError(null);
    rules.reload();
    assignment.reload();
  };
  const boxes = mailboxes.value ?? [];
  return (
    <div class="admin routing">
      <h1>{t('nav.routing')}</h1>
      <ErrorBanner error={error ?? rules.error ?? assignment.error} />
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">{t('routing.rules')}</h2>
        <p class="muted">{t('routing.rulesHint')}</p>
        {rules.loading && !rules.value ? (
          <Loading />
        ) : (
          (rules.value?.items ?? []).map((rule) => (
            <RuleForm key={`${rule.id}-${rule.updated_at}`} rule={rule} mailboxes={boxes} onSaved={reload} onError={setError} />
          ))
        )}
        <RuleForm mailboxes={boxes} onSaved={reload} onError={setError} />
        <TryRules mailboxes={boxes} />
      </section>
      <section aria-labelledby="assignment-title">
        <h2 id="assignment-title">{t('routing.assignment')}</h2>
        <p class="muted">{t('routing.assignmentHint')}</p>
        {assignment.loading && !assignment.value ? (
          <Loading />
        ) : (
          <table class="assignment">
            <thead>
              <tr>
                <th scope="col">{t('queue.team')}</th>
                <th scope="col">{t('routing.modeColumn')}</th>
                {CAPACITY_CHANNELS.map((c) => (
                  <th scope="col" key={c}>
                    {t(`channel.${c}` as MessageKey)}
                  </th>
                ))}
                <th scope="col">{t('routing.waiting')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('common.save')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(assignment.value?.items ?? []).map((row) => (
                <AssignmentRow key={`${row.team_id}-${row.mode}`} row={row} onSaved={reload} onError={setError} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
