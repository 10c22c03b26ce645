import { useState } from 'preact/hooks';
import { ApiError, ROLES, api, ok, type Role, type User } from '../api/client';
import { useLoad } from '../hooks';
import { LOCALES, useI18n } from '../i18n';
import { useSession } from '../session';
import { EnumSelect, ErrorBanner, Field, Loading } from '../components/ui';

/** Admins: every account, a form for new ones, role changes and deactivation. */
export function UsersPage() {
  const { t } = useI18n();
  const session = useSession();
  const users = useLoad(() => ok(api.GET('/api/v1/users', { params: { query: { limit: 200 } } })), []);
  const [form, setForm] = useState({ email: '', name: '', role: 'agent' as Role, password: '', locale: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await ok(
        api.POST('/api/v1/users', {
          body: {
            email: form.email,
            name: form.name,
            role: form.role,
            password: form.password || null,
            locale: form.locale || null,
          },
        }),
      );
      session.notify(t('admin.created', { name: user.name }));
      setForm({ email: '', name: '', role: 'agent', password: '', locale: '' });
      users.reload();
      session.refreshDirectory();
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const change = async (user: User, body: { role?: Role; active?: boolean }) => {
    setError(null);
    try {
      await ok(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body }));
      session.notify(t('common.saved'));
      users.reload();
      session.refreshDirectory();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };

  return (
    <div class="admin">
      <h1>{t('admin.users')}</h1>
      <ErrorBanner error={error ?? users.error} />
      <form class="panel" onSubmit={create} aria-labelledby="new-user-title">
        <h2 id="new-user-title">{t('admin.newUser')}</h2>
        <div class="grid">
          <Field label={t('admin.email')} id="user-email">
            <input id="user-email" type="email" required value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
          </Field>
          <Field label={t('admin.name')} id="user-name">
            <input id="user-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Field>
          <EnumSelect
            id="user-role"
            label={t('admin.role')}
            prefix="role"
            values={ROLES}
            value={form.role}
            onChange={(role) => setForm({ ...form, role })}
          />
          <Field label={t('admin.password')} id="user-password">
            <input
              id="user-password"
              type="password"
              autocomplete="new-password"
              minLength={8}
              value={form.password}
              onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
            />
          </Field>
          <Field label={t('admin.locale')} id="user-locale">
            <select id="user-locale" value={form.locale} onChange={(e) => setForm({ ...form, locale: e.currentTarget.value })}>
              <option value="">—</option>
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {l === 'en' ? 'English' : '简体中文'}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {t('common.create')}
        </button>
      </form>
      {users.loading && !users.value ? (
        <Loading />
      ) : (
        <table class="grid-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.name')}</th>
              <th scope="col">{t('admin.email')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(users.value?.items ?? []).map((user) => (
              <tr key={user.id} class={user.active ? '' : 'inactive'}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <label class="visually-hidden" for={`role-${user.id}`}>
                    {t('admin.roleOf', { name: user.name })}
                  </label>
                  <select
                    id={`role-${user.id}`}
                    value={user.role}
                    onChange={(e) => void change(user, { role: e.currentTarget.value as Role })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {t(`role.${role}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{user.active ? t('admin.active') : t('admin.deactivated')}</td>
                <td>
                  <button type="button" onClick={() => void change(user, { active: !user.active })}>
                    {user.active ? t('admin.deactivate') : t('admin.activate')}
                    <span class="visually-hidden"> {user.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
