/** Live chat for admins: the widgets on the business's websites (with the snippet to copy),
 * and each team's chat settings. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, STAGES, api, ok, type Schemas, type Team } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';

type Widget = Schemas['WidgetResponse'];
type WidgetRequest = Schemas['WidgetRequest'];
type ChatSettings = Schemas['ChatSettingsBody'];

const STAGE_FIELDS = {
  pre_sale: 'pre_sale_team_id',
  in_sale: 'in_sale_team_id',
  after_sale: 'after_sale_team_id',
} as const;

function blankWidget(): WidgetRequest {
  return { name: '', origins: [], colour: '#0f766e', position: 'right' };
}

function requestOf(widget: Widget): WidgetRequest {
  return {
    name: widget.name,
    origins: widget.origins,
    colour: widget.colour,
    position: widget.position,
    greeting_en: widget.greeting_en ?? null,
    greeting_zh: widget.greeting_zh ?? null,
    pre_sale_team_id: widget.pre_sale_team_id ?? null,
    in_sale_team_id: widget.in_sale_team_id ?? null,
    after_sale_team_id: widget.after_sale_team_id ?? null,
  };
}

export function ChatPage() {
  const { t } = useI18n();
  const { teams } = useSession();
  const widgets = useLoad(() => ok(api.GET('/api/v1/widgets')), []);
  const [error, setError] = useState<ApiError | null>(null);
  if (!widgets.value) return widgets.error ? <ErrorBanner error={widgets.error} onRetry={widgets.reload} /> : <Loading />;
  return (
    <div class="admin">
      <h1>{t('admin.chat')}</h1>
      <ErrorBanner error={error} />
      <h2>{t('admin.widgets')}</h2>
      {widgets.value.items.map((w) => (
        <WidgetForm key={w.id} widget={w} teams={teams} onSaved={widgets.reload} onError={setError} />
      ))}
      <WidgetForm widget={null} teams={teams} onSaved={widgets.reload} onError={setError} />
      <h2>{t('admin.chatSettings')}</h2>
      {teams.map((team) => (
        <TeamChat key={team.id} team={team} onError={setError} />
      ))}
    </div>
  );
}

function WidgetForm(props: {
  widget: Widget | null;
  teams: Team[];
  onSaved: () => void;
  onError: (e: ApiError | null) => void;
}) {
  const { t } = useI18n();
  const { notify } = useSession();
  const [draft, setDraft] = useState<WidgetRequest>(props.widget ? requestOf(props.widget) : blankWidget());
  const [origins, setOrigins] = useState((props.widget?.origins ?? []).join('\n'));
  useEffect(() => {
    setDraft(props.widget ? requestOf(props.widget) : blankWidget());
    setOrigins((props.widget?.origins ?? []).join('\n'));
  }, [props.widget]);
  const id = props.widget?.id ?? 'new';
  const set = (change: Partial<WidgetRequest>) => setDraft({ ...draft, ...change });
  const save = async (event: Event) => {
    event.preventDefault();
    props.onError(null);
    const body = { ...draft, origins: origins.split(/\s+/).filter(Boolean) };
    try {
      if (props.widget) {
        await ok(api.PUT('/api/v1/widgets/{id}', { params: { path: { id: props.widget.id } }, body }));
      } else {
        await ok(api.POST('/api/v1/widgets', { body }));
        setDraft(blankWidget());
        setOrigins('');
      }
      notify(t('common.saved'));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!props.widget || !window.confirm(t('admin.deleteWidgetConfirm', { name: props.widget.name }))) return;
    try {
      await ok(api.DELETE('/api/v1/widgets/{id}', { params: { path: { id: props.widget.id } } }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-label={props.widget ? props.widget.name : t('admin.newWidget')}>
      <h3>{props.widget ? props.widget.name : t('admin.newWidget')}</h3>
      <div class="grid">
        <Field label={t('admin.thingName')} id={`wname-${id}`}>
          <input id={`wname-${id}`} required maxLength={120} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </Field>
        <Field label={t('admin.websites')} id={`worigins-${id}`} hint={t('admin.websitesHint')}>
          <textarea id={`worigins-${id}`} required value={origins} onInput={(e) => setOrigins(e.currentTarget.value)} />
        </Field>
        <Field label={t('admin.colour')} id={`wcolour-${id}`}>
          <input id={`wcolour-${id}`} type="color" value={draft.colour ?? '#0f766e'} onInput={(e) => set({ colour: e.currentTarget.value })} />
        </Field>
        <Field label={t('admin.position')} id={`wpos-${id}`}>
          <select id={`wpos-${id}`} value={draft.position ?? 'right'} onChange={(e) => set({ position: (e.currentTarget as HTMLSelectElement).value as 'right' | 'left' })}>
            <option value="right">{t('admin.positionRight')}</option>
            <option value="left">{t('admin.positionLeft')}</option>
          </select>
        </Field>
        <Field label={t('admin.greetingEn')} id={`wgen-${id}`}>
          <input id={`wgen-${id}`} maxLength={500} value={draft.greeting_en ?? ''} onInput={(e) => set({ greeting_en: e.currentTarget.value || null })} />
        </Field>
        <Field label={t('admin.greetingZh')} id={`wgzh-${id}`}>
          <input id={`wgzh-${id}`} maxLength={500} value={draft.greeting_zh ?? ''} onInput={(e) => set({ greeting_zh: e.currentTarget.value || null })} />
        </Field>
        {STAGES.map((stage) => (
          <Field key={stage} label={t('admin.teamFor', { stage: t(`stage.${stage}`) })} id={`w${stage}-${id}`}>
            <select
              id={`w${stage}-${id}`}
              value={draft[STAGE_FIELDS[stage]] ?? ''}
              onChange={(e) => set({ [STAGE_FIELDS[stage]]: (e.currentTarget as HTMLSelectElement).value || null })}
            >
              <option value="">{t('admin.noChats')}</option>
              {props.teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </Field>
        ))}
      </div>
      {props.widget && (
        <Field label={t('admin.snippet')} id={`wsnippet-${id}`} hint={t('admin.snippetHint')}>
          <div class="snippet">
            <input id={`wsnippet-${id}`} readOnly value={props.widget.snippet} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(props.widget?.snippet ?? '').then(() => notify(t('admin.copied')))}>
              {t('admin.copy')}
            </button>
          </div>
        </Field>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {props.widget ? t('common.save') : t('common.create')}
        </button>
        {props.widget && (
          <button type="button" onClick={() => void remove()}>
            {t('admin.deleteWidget')}
          </button>
        )}
      </div>
    </form>
  );
}

function TeamChat(props: { team: Team; onError: (e: ApiError | null) => void }) {
  const id = props.team.id;
  const loaded = useLoad(() => ok(api.GET('/api/v1/teams/{id}/chat-settings', { params: { path: { id } } })), [id]);
  if (!loaded.value) return loaded.error ? <ErrorBanner error={loaded.error} onRetry={loaded.reload} /> : <Loading />;
  return <TeamChatForm team={props.team} loaded={loaded.value} onError={props.onError} />;
}

/** A team's chat settings form. Its draft starts from what was loaded when it mounted and
 * nothing else replaces it but a save: nothing arriving later wipes what the admin typed. */
function TeamChatForm(props: { team: Team; loaded: ChatSettings; onError: (e: ApiError | null) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const id = props.team.id;
  const [draft, setDraft] = useState<ChatSettings>(props.loaded);
  // From the latest draft, not this render's: two quick edits must not undo each other.
  const set = (change: Partial<ChatSettings>) => setDraft((latest) => ({ ...latest, ...change }));
  const save = async (event: Event) => {
    event.preventDefault();
    props.onError(null);
    try {
      const saved = await ok(api.PUT('/api/v1/teams/{id}/chat-settings', { params: { path: { id } }, body: draft }));
      setDraft(saved);
      notify(t('common.saved'));
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const text = (key: 'greeting_en' | 'greeting_zh' | 'offline_en' | 'offline_zh', label: string) => (
    <Field label={label} id={`${key}-${id}`}>
      <textarea id={`${key}-${id}`} maxLength={500} value={draft[key] ?? ''} onInput={(e) => set({ [key]: e.currentTarget.value || null })} />
    </Field>
  );
  return (
    <form class="panel" onSubmit={save} aria-label={t('admin.chatOf', { team: props.team.name })}>
      <h3>{props.team.name}</h3>
      <div class="grid">
        <label class="toggle">
          <input type="checkbox" checked={draft.open} onChange={(e) => set({ open: e.currentTarget.checked })} />
          {t('admin.chatOpen')}
        </label>
        <Field label={t('admin.capacity')} id={`cap-${id}`} hint={t('admin.capacityHint')}>
          <input id={`cap-${id}`} type="number" min={1} max={20} required value={draft.capacity} onInput={(e) => set({ capacity: Number(e.currentTarget.value) })} />
        </Field>
        <Field label={t('admin.grace')} id={`grace-${id}`} hint={t('admin.graceHint')}>
          <input id={`grace-${id}`} type="number" min={0} max={600} required value={draft.grace_seconds} onInput={(e) => set({ grace_seconds: Number(e.currentTarget.value) })} />
        </Field>
        {text('greeting_en', t('admin.greetingEn'))}
        {text('greeting_zh', t('admin.greetingZh'))}
        {text('offline_en', t('admin.offlineEn'))}
        {text('offline_zh', t('admin.offlineZh'))}
      </div>
      <button type="submit" class="primary">
        {t('admin.saveChat')}
        <span class="visually-hidden"> {props.team.name}</span>
      </button>
    </form>
  );
}
