import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';
import { dateTime } from '../format';

type Scope = Schemas['TokenScopeBody'];

/** Staff: personal API tokens for scripts and integrations; a new token's secret is shown once. */
export function TokensPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const tokens = useLoad(() => ok(api.GET('/api/v1/me/tokens')), []);
  const [form, setForm] = useState({ name: '', scope: 'read' as Scope, days: '90' });
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await ok(
        api.POST('/api/v1/me/tokens', {
          body: { name: form.name, scope: form.scope, expires_in_days: form.days ? Number(form.days) : null },
        }),
      );
      setSecret(created.token);
      setForm({ name: '', scope: 'read', days: '90' });
      tokens.reload();
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string, name: string) => {
    setError(null);
    try {
      await ok(api.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } }));
      session.notify(t('tokens.revoked', { name }));
      tokens.reload();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };

  const when = (at: string | null | undefined) => (at ? dateTime(new Date(at), locale) : '—');
  return (
    <div class="admin">
      <h1>{t('tokens.title')}</h1>
      <p class="muted">{t('tokens.intro')}</p>
      <ErrorBanner error={error ?? tokens.error} />
      {secret && (
        <div class="banner banner-info" role="status">
          <p>{t('tokens.copyNow')}</p>
          <code class="secret" data-testid="token-secret">
            {secret}
          </code>
          <button type="button" class="link-button" onClick={() => setSecret(null)}>
            {t('tokens.copied')}
          </button>
        </div>
      )}
      <form class="panel" onSubmit={create} aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t('tokens.new')}</h2>
        <div class="grid">
          <Field label={t('tokens.name')} id="token-name">
            <input id="token-name" required maxLength={120} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Field>
          <Field label={t('tokens.scope')} id="token-scope">
            <select id="token-scope" value={form.scope} onChange={(e) => setForm({ ...form, scope: e.currentTarget.value as Scope })}>
              <option value="read">{t('tokens.scope.read')}</option>
              <option value="read_write">{t('tokens.scope.read_write')}</option>
            </select>
          </Field>
          <Field label={t('tokens.expires')} id="token-days" hint={t('tokens.expiresHint')}>
            <input id="token-days" type="number" min={1} max={365} value={form.days} onInput={(e) => setForm({ ...form, days: e.currentTarget.value })} />
          </Field>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('common.create')}
        </button>
      </form>
      {tokens.loading && !tokens.value ? (
        <Loading />
      ) : (tokens.value?.items ?? []).length === 0 ? (
        <p class="empty">{t('tokens.none')}</p>
      ) : (
        <table class="grid-table">
          <thead>
            <tr>
              <th scope="col">{t('tokens.name')}</th>
              <th scope="col">{t('tokens.scope')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">{t('tokens.expiresAt')}</th>
              <th scope="col">{t('tokens.lastUsed')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(tokens.value?.items ?? []).map((token) => (
              <tr key={token.id} class={token.live ? '' : 'inactive'}>
                <td>{token.name}</td>
                <td>{t(`tokens.scope.${token.scope}`)}</td>
                <td>{when(token.created_at)}</td>
                <td>{token.expires_at ? when(token.expires_at) : t('tokens.never')}</td>
                <td>{when(token.last_used_at)}</td>
                <td>
                  {token.live ? (
                    <button type="button" onClick={() => void revoke(token.id, token.name)}>
                      {t('tokens.revoke')}
                      <span class="visually-hidden"> {token.name}</span>
                    </button>
                  ) : (
                    t(token.revoked_at ? 'tokens.isRevoked' : 'tokens.isExpired')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
