import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field } from '../components/ui';

/** Admins: how satisfaction surveys run. */
export function SurveySettings() {
  const { t } = useI18n();
  const { notify } = useSession();
  const loaded = useLoad(() => ok(api.GET('/api/v1/survey-settings')), []);
  const [draft, setDraft] = useState<Schemas['SurveySettingsBody'] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (loaded.value) setDraft(loaded.value);
  }, [loaded.value]);
  if (!draft) return <ErrorBanner error={loaded.error} />;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      setDraft(await ok(api.PUT('/api/v1/survey-settings', { body: draft })));
      notify(t('common.saved'));
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  const toggle = (key: 'enabled' | 'ask_expectation' | 'reopen_low', label: string) => (
    <label class="toggle">
      <input type="checkbox" checked={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.currentTarget.checked })} />
      {label}
    </label>
  );
  return (
    <form class="panel" onSubmit={save} aria-labelledby="surveys-title">
      <h2 id="surveys-title">{t('surveys.settings')}</h2>
      <p class="muted">{t('surveys.intro')}</p>
      <ErrorBanner error={error} />
      {toggle('enabled', t('surveys.enabled'))}
      {toggle('ask_expectation', t('surveys.askExpectation'))}
      {toggle('reopen_low', t('surveys.reopenLow'))}
      <div class="grid">
        <Field label={t('surveys.lowAt')} id="surveys-low">
          <input id="surveys-low" type="number" min={1} max={4} value={draft.low_at} onInput={(e) => setDraft({ ...draft, low_at: Number(e.currentTarget.value) })} />
        </Field>
        <Field label={t('surveys.linkDays')} id="surveys-days">
          <input id="surveys-days" type="number" min={1} max={90} value={draft.link_days} onInput={(e) => setDraft({ ...draft, link_days: Number(e.currentTarget.value) })} />
        </Field>
      </div>
      <button type="submit" class="primary">
        {t('common.save')}
      </button>
    </form>
  );
}
