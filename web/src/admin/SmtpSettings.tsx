/** The outgoing SMTP server for admins: set here it wins over the configuration file; the
 * password is never shown; a test mail shows the way out works. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { Field, Loading } from '../components/ui';

type Smtp = Schemas['SmtpRequest'];

const blank: Smtp = { host: '', port: 587, security: 'starttls', username: null, password: null };

export function SmtpSettings(props: { onError: (e: ApiError | null) => void }) {
  const { t } = useI18n();
  const { notify, user } = useSession();
  const loaded = useLoad(() => ok(api.GET('/api/v1/mail/smtp')), []);
  const [draft, setDraft] = useState<Smtp>(blank);
  const [testTo, setTestTo] = useState(user.email);
  useEffect(() => {
    const s = loaded.value;
    if (s?.set_in_console) {
      setDraft({ host: s.host ?? '', port: s.port ?? 587, security: s.security ?? 'starttls', username: s.username ?? null, password: null });
    }
  }, [loaded.value]);
  if (!loaded.value) return <Loading />;
  const shown = loaded.value;
  const set = (change: Partial<Smtp>) => setDraft({ ...draft, ...change });
  const run = async (work: () => Promise<unknown>, done: string) => {
    props.onError(null);
    try {
      await work();
      notify(done);
      loaded.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <section aria-labelledby="smtp-title">
      <h2 id="smtp-title">{t('smtp.title')}</h2>
      <p class="muted" role="status">
        {shown.set_in_console ? t('smtp.setHere') : t('smtp.fromFile')}
      </p>
      <form
        class="panel"
        aria-label={t('smtp.title')}
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => ok(api.PUT('/api/v1/mail/smtp', { body: draft })), t('common.saved'));
        }}
      >
        <div class="grid">
          <Field label={t('smtp.host')} id="smtp-host">
            <input id="smtp-host" required value={draft.host} onInput={(e) => set({ host: e.currentTarget.value })} />
          </Field>
          <Field label={t('mail.port')} id="smtp-port">
            <input id="smtp-port" type="number" min={1} max={65535} required value={draft.port} onInput={(e) => set({ port: Number(e.currentTarget.value) })} />
          </Field>
          <Field label={t('mail.security')} id="smtp-security">
            <select id="smtp-security" value={draft.security} onChange={(e) => set({ security: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="starttls">{t('mail.security.starttls')}</option>
              <option value="tls">{t('mail.security.tls')}</option>
              <option value="none">{t('mail.security.none')}</option>
            </select>
          </Field>
          <Field label={t('mail.username')} id="smtp-user">
            <input id="smtp-user" value={draft.username ?? ''} onInput={(e) => set({ username: e.currentTarget.value || null })} />
          </Field>
          <Field label={t('mail.password')} id="smtp-password" hint={shown.password_set ? t('mail.passwordKept') : undefined}>
            <input id="smtp-password" type="password" autocomplete="new-password" value={draft.password ?? ''} onInput={(e) => set({ password: e.currentTarget.value || null })} />
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {t('common.save')}
          </button>
          {shown.set_in_console && (
            <button type="button" onClick={() => void run(() => ok(api.DELETE('/api/v1/mail/smtp')), t('smtp.cleared'))}>
              {t('smtp.useFile')}
            </button>
          )}
        </div>
      </form>
      <form
        class="inline-form"
        aria-label={t('smtp.test')}
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => ok(api.POST('/api/v1/mail/smtp/test', { body: { to: testTo } })), t('smtp.testQueued', { to: testTo }));
        }}
      >
        <label for="smtp-test-to">{t('smtp.testTo')}</label>
        <input id="smtp-test-to" type="email" required value={testTo} onInput={(e) => setTestTo(e.currentTarget.value)} />
        <button type="submit">{t('smtp.test')}</button>
      </form>
    </section>
  );
}
