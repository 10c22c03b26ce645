import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { describeError } from '../errors';
import { type Locale, useI18n } from '../i18n';
import { RatingForm } from './RatingForm';

/** The page a mailed survey link opens: no sign-in, answered once. */
export function RatePage(props: { token: string; setLocale: (locale: Locale) => void }) {
  const { t } = useI18n();
  const [link, setLink] = useState<Schemas['SurveyLinkResponse'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  useEffect(() => {
    ok(api.GET('/api/v1/surveys/{token}', { params: { path: { token: props.token } } }))
      .then((found) => {
        setLink(found);
        if (!localStorage.getItem('kefu.locale')) props.setLocale(found.locale as Locale);
      })
      .catch((cause) => setError(cause instanceof ApiError && cause.status === 404 ? t('survey.unknown') : describeError(cause as ApiError, t)));
  }, [props.token]);
  const send = async (body: Schemas['RatingRequest']) => {
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/surveys/{token}', { params: { path: { token: props.token } }, body }));
      setDone(true);
    } catch (cause) {
      setError(describeError(cause as ApiError, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <section class="card survey" aria-labelledby="survey-title">
        <div class="login-brand" aria-hidden="true">
          客
        </div>
        <h1 id="survey-title">{t('survey.title')}</h1>
        {link && <p class="muted">{t('survey.about', { number: link.ticket_number, subject: link.subject })}</p>}
        {error && (
          <p class="banner banner-error" role="alert">
            {error}
          </p>
        )}
        {done ? (
          <p class="banner banner-info" role="status">
            {t('survey.thanks')}
          </p>
        ) : link?.state === 'used' ? (
          <p class="banner banner-info" role="status">
            {t('survey.used')}
          </p>
        ) : link?.state === 'expired' ? (
          <p class="banner banner-info" role="status">
            {t('survey.expired')}
          </p>
        ) : (
          link && <RatingForm id="survey" askExpectation={link.ask_expectation} busy={busy} onSubmit={(b) => void send(b)} />
        )}
      </section>
    </main>
  );
}
