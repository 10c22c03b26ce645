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
  useEffect(() => setChosen(new Set(props.team.members.map((m) => m.id))), [props.team]);
  const save = async () => {
    try {
      await ok(
        api.PATCH('/api/v1/teams/{id}', { params: { path: { id: props.team.id } }, body: { members: [...chosen] } }),
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
        {t('admin.saveMembers')}
        <span class="visually-hidden"> {props.team.name}</span>
      </button>
    </section>
  );
}

/** Admins: teams, a form for new ones, and their members. */
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
      <form class="panel" onSubmit={create} aria-labelledby="new-team-title">
        <h2 id="new-team-title">{t('admin.newTeam')}</h2>
        <div class="grid">
          <Field label={t('admin.name')} id="team-name">
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
