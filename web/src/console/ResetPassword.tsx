import { useState } from 'preact/hooks';
import { ApiError, api, ok } from '../api/client';
import { useI18n } from '../i18n';
import { describeError } from '../errors';
import { Link } from '../components/ui';

/** The page a reset link opens: choose a new password (twice), then sign in with it. */
export function ResetPassword(props: { token: string }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password !== again) {
      setError(t('reset.mismatch'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/auth/password-reset', { body: { token: props.token, new_password: password } }));
      setDone(true);
    } catch (cause) {
      setError(cause instanceof ApiError ? describeError(cause, t) : String(cause));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-labelledby="reset-title">
        <div class="login-brand" aria-hidden="true">
          客
        </div>
        <h1 id="reset-title">{t('reset.title')}</h1>
        {done ? (
          <>
            <p class="banner banner-info" role="status">
              {t('reset.done')}
            </p>
            <Link href="/login" class="button primary">
              {t('login.submit')}
            </Link>
          </>
        ) : (
          <>
            {!props.token && (
              <p class="banner banner-error" role="alert">
                {t('reset.noToken')}
              </p>
            )}
            {error && (
              <p class="banner banner-error" role="alert">
                {error}
              </p>
            )}
            <div class="field">
              <label for="new-password">{t('reset.password')}</label>
              <input id="new-password" type="password" autocomplete="new-password" required minLength={8} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="new-password-again">{t('reset.again')}</label>
              <input id="new-password-again" type="password" autocomplete="new-password" required minLength={8} value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
            </div>
            <button type="submit" class="primary" disabled={busy || !props.token}>
              {t('reset.submit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
