import { useState } from 'preact/hooks';
import { ApiError, PRIORITIES, STATUSES, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';

type Macro = Schemas['MacroResponse'];
type MacroRequest = Schemas['MacroRequest'];

const tagList = (text: string) =>
  text
    .split(/[,，\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);

/** The form of one macro (or a new one): its reply in both languages and its changes. */
function MacroForm(props: { macro?: Macro; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const session = useSession();
  const m = props.macro;
  const key = m?.id ?? 'new';
  const admin = session.user.role === 'admin';
  const [title, setTitle] = useState(m?.title ?? '');
  const [shortcut, setShortcut] = useState(m?.shortcut ?? '');
  const [textEn, setTextEn] = useState(m?.text_en ?? '');
  const [textZh, setTextZh] = useState(m?.text_zh ?? '');
  const [status, setStatus] = useState<string>(m?.changes.status ?? '');
  const [priority, setPriority] = useState<string>(m?.changes.priority ?? '');
  const [team, setTeam] = useState<string>(m?.changes.team_id ?? '');
  const [assign, setAssign] = useState<string>(m?.changes.assign ?? '');
  const [addTags, setAddTags] = useState((m?.changes.add_tags ?? []).join(', '));
  const [removeTags, setRemoveTags] = useState((m?.changes.remove_tags ?? []).join(', '));
  const [shared, setShared] = useState(m?.shared ?? false);
  const readOnly = m ? !m.editable : false;
  const save = async (event: Event) => {
    event.preventDefault();
    const body: MacroRequest = {
      title,
      shortcut: shortcut || null,
      text_en: textEn || null,
      text_zh: textZh || null,
      shared,
      changes: {
        ...(status ? { status: status as Schemas['Status'] } : {}),
        ...(priority ? { priority: priority as Schemas['Priority'] } : {}),
        ...(team ? { team_id: team } : {}),
        ...(assign ? { assign } : {}),
        add_tags: tagList(addTags),
        remove_tags: tagList(removeTags),
      },
    };
    try {
      if (m) {
        await ok(api.PUT('/api/v1/macros/{id}', { params: { path: { id: m.id } }, body }));
        session.notify(t('common.saved'));
      } else {
        await ok(api.POST('/api/v1/macros', { body }));
        session.notify(t('admin.created', { name: title }));
        setTitle('');
        setShortcut('');
        setTextEn('');
        setTextZh('');
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!m) return;
    try {
      await ok(api.DELETE('/api/v1/macros/{id}', { params: { path: { id: m.id } } }));
      session.notify(t('sla.removed', { name: m.title }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const select = (id: string, label: string, value: string, set: (v: string) => void, options: [string, string][]) => (
    <Field label={label} id={id}>
      <select id={id} value={value} disabled={readOnly} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">{t('macros.unchanged')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
  return (
    <form class="panel macro" onSubmit={save} aria-labelledby={`macro-${key}`}>
      <h3 id={`macro-${key}`}>
        {m ? m.title : t('macros.new')}
        {m?.shared && <span class="badge"> {t('macros.shared')}</span>}
      </h3>
      {m && <p class="muted">{t('macros.uses', { count: m.uses })}</p>}
      <fieldset disabled={readOnly}>
        <div class="grid">
          <Field label={t('macros.title')} id={`macro-title-${key}`}>
            <input id={`macro-title-${key}`} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </Field>
          <Field label={t('macros.shortcut')} id={`macro-shortcut-${key}`} hint={t('macros.shortcutHint')}>
            <input id={`macro-shortcut-${key}`} value={shortcut} onInput={(e) => setShortcut(e.currentTarget.value)} />
          </Field>
        </div>
        <p class="muted">{t('macros.placeholders')}</p>
        <Field label={t('macros.textEn')} id={`macro-en-${key}`}>
          <textarea id={`macro-en-${key}`} rows={3} value={textEn} onInput={(e) => setTextEn(e.currentTarget.value)} />
        </Field>
        <Field label={t('macros.textZh')} id={`macro-zh-${key}`}>
          <textarea id={`macro-zh-${key}`} rows={3} value={textZh} onInput={(e) => setTextZh(e.currentTarget.value)} />
        </Field>
        <div class="grid">
          {select(`macro-status-${key}`, t('queue.status'), status, setStatus, STATUSES.filter((s) => s !== 'closed').map((s) => [s, t(`status.${s}` as MessageKey)]))}
          {select(`macro-priority-${key}`, t('queue.priority'), priority, setPriority, PRIORITIES.map((p) => [p, t(`priority.${p}` as MessageKey)]))}
          {select(`macro-team-${key}`, t('queue.team'), team, setTeam, session.teams.map((x) => [x.id, x.name]))}
          {select(`macro-assign-${key}`, t('queue.assignee'), assign, setAssign, [
            ['me', t('macros.assignMe')],
            ['nobody', t('queue.unassigned')],
            ...session.staff.map((u): [string, string] => [u.id, u.name]),
          ])}
          <Field label={t('macros.addTags')} id={`macro-add-${key}`}>
            <input id={`macro-add-${key}`} value={addTags} onInput={(e) => setAddTags(e.currentTarget.value)} />
          </Field>
          <Field label={t('macros.removeTags')} id={`macro-remove-${key}`}>
            <input id={`macro-remove-${key}`} value={removeTags} onInput={(e) => setRemoveTags(e.currentTarget.value)} />
          </Field>
        </div>
        {admin && (
          <label class="toggle">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
            {t('macros.shareWithAll')}
          </label>
        )}
        {!readOnly && (
          <div class="actions">
            <button type="submit" class="primary">
              {m ? t('common.save') : t('common.create')}
            </button>
            {m && (
              <button type="button" class="link-button" onClick={() => void remove()}>
                {t('macros.remove')}
              </button>
            )}
          </div>
        )}
      </fieldset>
    </form>
  );
}

/** Agents: their macros and the shared ones; admins also change the shared ones. */
export function MacrosPage() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const list = useLoad(() => ok(api.GET('/api/v1/macros', { params: { query: q ? { q } : {} } })), [q]);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <div class="admin macros-page">
      <h1>{t('nav.macros')}</h1>
      <p class="muted">{t('macros.intro')}</p>
      <ErrorBanner error={error ?? list.error} />
      <Field label={t('macros.search')} id="macro-search">
        <input id="macro-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </Field>
      {list.loading && !list.value ? (
        <Loading />
      ) : (
        (list.value?.items ?? []).map((m) => <MacroForm key={`${m.id}-${m.updated_at}`} macro={m} onSaved={list.reload} onError={setError} />)
      )}
      <MacroForm onSaved={list.reload} onError={setError} />
    </div>
  );
}
