import { useState } from 'preact/hooks';
import { ApiError, api, ok, type User } from '../api/client';
import { LOCALES, type Locale, useI18n } from '../i18n';
import { describeError } from '../errors';

/** The sign-in page. */
export function Login(props: { expired: boolean; onSignedIn: (user: User, csrf: string) => void }) {
  const { t, locale, setLocale } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [forgot, setForgot] = useState(false);
  const [linkSent, setLinkSent] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await ok(api.POST('/api/v1/auth/login', { body: { email, password } }));
      props.onSignedIn(session.user, session.csrf_token);
    } catch (cause) {
      setError(cause instanceof ApiError ? describeError(cause, t) : String(cause));
    } finally {
      setBusy(false);
    }
  };

  const sendLink = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/auth/forgot-password', { body: { email } }));
      setLinkSent(true);
    } catch (cause) {
      setError(cause instanceof ApiError ? describeError(cause, t) : String(cause));
    } finally {
      setBusy(false);
    }
  };

  if (forgot) {
    return (
      <main class="login">
        <form class="card" onSubmit={sendLink} aria-labelledby="forgot-title">
          <div class="login-brand" aria-hidden="true">
            客
          </div>
          <h1 id="forgot-title">{t('login.forgotTitle')}</h1>
          {error && (
            <p class="banner banner-error" role="alert">
              {error}
            </p>
          )}
          {linkSent ? (
            <p class="banner banner-info" role="status">
              {t('login.linkSent')}
            </p>
          ) : (
            <>
              <p class="muted">{t('login.forgotHint')}</p>
              <div class="field">
                <label for="forgot-email">{t('login.email')}</label>
                <input id="forgot-email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
              </div>
              <button type="submit" class="primary" disabled={busy}>
                {t('login.sendLink')}
              </button>
            </>
          )}
          <button
            type="button"
            class="link"
            onClick={() => {
              setForgot(false);
              setLinkSent(false);
              setError(null);
            }}
          >
            {t('login.backToSignIn')}
          </button>
        </form>
      </main>
    );
  }

  return (
    <main class="login">
      <form class="card" onSubmit={submit} aria-labelledby="login-title">
        <div class="login-brand" aria-hidden="true">
          客
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        {props.expired && (
          <p class="banner banner-info" role="status">
            {t('login.expired')}
          </p>
        )}
        {error && (
          <p class="banner banner-error" role="alert">
            {error}
          </p>
        )}
        <div class="field">
          <label for="email">{t('login.email')}</label>
          <input
            id="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">{t('login.password')}</label>
          <input
            id="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('login.signingIn') : t('login.submit')}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            setForgot(true);
            setError(null);
          }}
        >
          {t('login.forgot')}
        </button>
        <div class="field login-language">
          <label for="login-language">{t('nav.language')}</label>
          <select
            id="login-language"
            value={locale}
            onChange={(e) => setLocale(e.currentTarget.value as Locale)}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : '简体中文'}
              </option>
            ))}
          </select>
        </div>
      </form>
    </main>
  );
}
