import { useState } from 'preact/hooks';
import { ApiError, STAGES, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';
import { ShownOnce } from './VendorSystems';

type Telephony = Schemas['TelephonyResponse'];

/** The form, once the setup is loaded. */
function TelephonyForm(props: { setup: Telephony; onSaved: (answer: Telephony) => void }) {
  const { t } = useI18n();
  const { notify, teams, staff } = useSession();
  const s = props.setup;
  const [enabled, setEnabled] = useState(s.enabled);
  const [stage, setStage] = useState(s.stage);
  const [team, setTeam] = useState(s.team_id ?? '');
  const [extensions, setExtensions] = useState<Record<string, string>>(
    Object.fromEntries(s.extensions.map((e) => [e.user_id, e.extension])),
  );
  const [error, setError] = useState<ApiError | null>(null);
  const save = async (event: Event, newSecret = false) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await ok(
        api.PUT('/api/v1/telephony', {
          body: {
            enabled,
            stage,
            team_id: team || null,
            new_secret: newSecret,
            // Only the staff listed: a deactivated agent's extension goes with them.
            extensions: Object.entries(extensions)
              .filter(([user, extension]) => extension.trim() !== '' && staff.some((s) => s.id === user))
              .map(([user_id, extension]) => ({ user_id, extension: extension.trim() })),
          },
        }),
      );
      notify(t('common.saved'));
      props.onSaved(answer);
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <form class="panel" onSubmit={(e) => void save(e)}>
      <ErrorBanner error={error} />
      <label class="toggle">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        {t('telephony.enabled')}
      </label>
      <p>
        {t('telephony.eventsUrl')} <code>{s.events_url}</code>
      </p>
      <div class="grid">
        <Field label={t('telephony.stage')} id="telephony-stage" hint={t('telephony.stageHint')}>
          <select id="telephony-stage" value={stage} onChange={(e) => setStage(e.currentTarget.value as Schemas['Stage'])}>
            {STAGES.map((v) => (
              <option key={v} value={v}>
                {t(`stage.${v}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('telephony.team')} id="telephony-team">
          <select id="telephony-team" value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
            <option value="">{t('telephony.noTeam')}</option>
            {teams.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <table class="extensions">
        <caption>{t('telephony.extensions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('telephony.agent')}</th>
            <th scope="col">{t('telephony.extension')}</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((member) => (
            <tr key={member.id}>
              <td>
                <label for={`extension-${member.id}`}>{member.name}</label>
              </td>
              <td>
                <input
                  id={`extension-${member.id}`}
                  inputMode="numeric"
                  maxLength={20}
                  value={extensions[member.id] ?? ''}
                  onInput={(e) => setExtensions({ ...extensions, [member.id]: e.currentTarget.value })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <button type="submit" class="primary">
          {t('common.save')}
        </button>
        {s.enabled && (
          <button type="button" onClick={(e) => void save(e, true)}>
            {t('vendors.webhookNewSecret')}
          </button>
        )}
      </div>
    </form>
  );
}

/** Admins: the telephony webhook, its secret and agents' extensions. */
export function TelephonyPage() {
  const { t } = useI18n();
  const setup = useLoad(() => ok(api.GET('/api/v1/telephony')), []);
  // Kept here: saving reloads the form, and the secret is shown once.
  const [secret, setSecret] = useState<string | null>(null);
  const saved = (answer: Telephony) => {
    setSecret(answer.secret ?? null);
    setup.reload();
  };
  return (
    <div class="admin telephony">
      <h1>{t('nav.telephony')}</h1>
      <p class="muted">{t('telephony.intro')}</p>
      <ErrorBanner error={setup.error} />
      {secret && <ShownOnce label={t('vendors.webhookSecret')} value={secret} />}
      {setup.value ? <TelephonyForm key={String(setup.value.enabled)} setup={setup.value} onSaved={saved} /> : <Loading />}
    </div>
  );
}
