import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Team } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';

/** One team's members as checkboxes over the agents and admins. */
function Members(props: { team: Team; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { staff, notify } = useSession();
  const [chosen, setChosen] = useState(new Set(props.team.members.map((m) => m.id)));
  // The stored (international) number, so saving never re-reads it in another region.
  const [line, setLine] = useState(props.team.phone_line ?? '');
  const [assigns, setAssigns] = useState(props.team.assign_on_reply);
  useEffect(() => {
    setChosen(new Set(props.team.members.map((m) => m.id)));
    setLine(props.team.phone_line ?? '');
    setAssigns(props.team.assign_on_reply);
  }, [props.team]);
  const save = async () => {
    try {
      await ok(
        api.PATCH('/api/v1/teams/{id}', {
          params: { path: { id: props.team.id } },
          body: {
            members: [...chosen],
            assign_on_reply: assigns,
            ...(line.trim() !== (props.team.phone_line ?? '') ? { phone_line: line.trim() || null } : {}),
          },
        }),
      );
      notify(t('common.saved'));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <section class="panel team" aria-labelledby={`team-${props.team.id}`}>
      <h2 id={`team-${props.team.id}`}>{props.team.name}</h2>
      {props.team.description && <p class="muted">{props.team.description}</p>}
      <div class="grid">
        <Field label={t('admin.phoneLine')} id={`line-${props.team.id}`} hint={t('admin.phoneLineHint')}>
          <input id={`line-${props.team.id}`} type="tel" value={line} onInput={(e) => setLine(e.currentTarget.value)} />
        </Field>
        <label class="toggle">
          <input type="checkbox" checked={assigns} onChange={(e) => setAssigns(e.currentTarget.checked)} />
          {t('admin.assignOnReply')}
        </label>
      </div>
      <fieldset>
        <legend>{t('admin.members')}</legend>
        <ul class="checklist">
          {staff.map((user) => (
            <li key={user.id}>
              <label>
                <input
                  type="checkbox"
                  checked={chosen.has(user.id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.currentTarget.checked) next.add(user.id);
                    else next.delete(user.id);
                    setChosen(next);
                  }}
                />
                {user.name}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="button" onClick={() => void save()}>
        {t('admin.saveTeam')}
        <span class="visually-hidden"> {props.team.name}</span>
      </button>
    </section>
  );
}

/** The phone region: national numbers are read and shown as this region's. */
function PhoneRegion(props: { onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const settings = useLoad(() => ok(api.GET('/api/v1/settings')), []);
  const [region, setRegion] = useState('');
  useEffect(() => setRegion(settings.value?.phone_region ?? ''), [settings.value]);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await ok(api.PATCH('/api/v1/settings', { body: { phone_region: region.trim() || null } }));
      notify(t('common.saved'));
      settings.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby="region-title">
      <h2 id="region-title">{t('admin.phoneRegion')}</h2>
      <Field label={t('admin.regionCode')} id="phone-region" hint={t('admin.regionHint')}>
        <input id="phone-region" maxLength={2} value={region} onInput={(e) => setRegion(e.currentTarget.value.toUpperCase())} />
      </Field>
      <button type="submit">{t('common.save')}</button>
    </form>
  );
}

/** Admins: the phone region, teams, a form for new ones, and their members and lines. */
export function TeamsPage() {
  const { t } = useI18n();
  const session = useSession();
  const teams = useLoad(() => ok(api.GET('/api/v1/teams')), []);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => {
    teams.reload();
    session.refreshDirectory();
  };
  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const team = await ok(api.POST('/api/v1/teams', { body: { name, description: description || null } }));
      session.notify(t('admin.created', { name: team.name }));
      setName('');
      setDescription('');
      reload();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <div class="admin">
      <h1>{t('admin.teams')}</h1>
      <ErrorBanner error={error ?? teams.error} />
      <PhoneRegion onError={setError} />
      <form class="panel" onSubmit={create} aria-labelledby="new-team-title">
        <h2 id="new-team-title">{t('admin.newTeam')}</h2>
        <div class="grid">
          <Field label={t('admin.thingName')} id="team-name">
            <input id="team-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field label={t('admin.description')} id="team-description">
            <input id="team-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </Field>
        </div>
        <button type="submit" class="primary">
          {t('common.create')}
        </button>
      </form>
      {teams.loading && !teams.value ? (
        <Loading />
      ) : (
        (teams.value?.items ?? []).map((team) => <Members key={team.id} team={team} onSaved={reload} onError={setError} />)
      )}
    </div>
  );
}
