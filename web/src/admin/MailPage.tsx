/** Email for admins: the mailboxes Kefu receives mail on (address, team, stage, IMAP fetching
 * with a connection test; the password is never shown), the outgoing SMTP server, the mail
 * templates, and the quarantine of mail that could not be taken (download, take in again,
 * delete). */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, STAGES, api, ok, type Schemas, type Team } from '../api/client';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';
import { MailTemplates } from './MailTemplates';
import { SmtpSettings } from './SmtpSettings';

type Mailbox = Schemas['MailboxResponse'];
type MailboxRequest = Schemas['MailboxRequest'];
type Imap = NonNullable<MailboxRequest['imap']>;

function blank(): MailboxRequest {
  return { name: '', address: '', stage: 'pre_sale', active: true, acknowledge: true, imap: null };
}

function requestOf(m: Mailbox): MailboxRequest {
  return {
    name: m.name,
    address: m.address,
    team_id: m.team_id ?? null,
    stage: m.stage,
    active: m.active,
    acknowledge: m.acknowledge,
    imap: m.imap
      ? {
          host: m.imap.host,
          port: m.imap.port,
          security: m.imap.security,
          username: m.imap.username,
          folder: m.imap.folder,
          after_fetch: m.imap.after_fetch,
          move_to: m.imap.move_to ?? null,
          password: null,
        }
      : null,
  };
}

export function MailPage() {
  const { t } = useI18n();
  const { teams } = useSession();
  const mailboxes = useLoad(() => ok(api.GET('/api/v1/mailboxes')), []);
  const [error, setError] = useState<ApiError | null>(null);
  if (!mailboxes.value) return mailboxes.error ? <ErrorBanner error={mailboxes.error} onRetry={mailboxes.reload} /> : <Loading />;
  return (
    <div class="admin">
      <h1>{t('admin.mail')}</h1>
      <ErrorBanner error={error} />
      <h2>{t('mail.mailboxes')}</h2>
      <p class="muted">{t('mail.mailboxesHint')}</p>
      {mailboxes.value.map((m) => (
        <MailboxForm key={m.id} mailbox={m} teams={teams} onSaved={mailboxes.reload} onError={setError} />
      ))}
      <MailboxForm mailbox={null} teams={teams} onSaved={mailboxes.reload} onError={setError} />
      <SmtpSettings onError={setError} />
      <MailTemplates onError={setError} />
      <Quarantine onError={setError} />
    </div>
  );
}

function MailboxForm(props: { mailbox: Mailbox | null; teams: Team[]; onSaved: () => void; onError: (e: ApiError | null) => void }) {
  const { t, locale } = useI18n();
  const { notify } = useSession();
  const [draft, setDraft] = useState<MailboxRequest>(props.mailbox ? requestOf(props.mailbox) : blank());
  const [check, setCheck] = useState<string | null>(null);
  useEffect(() => setDraft(props.mailbox ? requestOf(props.mailbox) : blank()), [props.mailbox]);
  const id = props.mailbox?.id ?? 'new';
  const set = (change: Partial<MailboxRequest>) => setDraft({ ...draft, ...change });
  const setImap = (change: Partial<Imap>) => set({ imap: { ...(draft.imap as Imap), ...change } });
  const save = async (event: Event) => {
    event.preventDefault();
    props.onError(null);
    try {
      if (props.mailbox) {
        await ok(api.PUT('/api/v1/mailboxes/{id}', { params: { path: { id: props.mailbox.id } }, body: draft }));
      } else {
        await ok(api.POST('/api/v1/mailboxes', { body: draft }));
        setDraft(blank());
      }
      notify(t('common.saved'));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const test = async () => {
    if (!props.mailbox) return;
    setCheck(t('mail.checking'));
    try {
      const result = await ok(api.POST('/api/v1/mailboxes/{id}/check', { params: { path: { id: props.mailbox.id } } }));
      setCheck(result.ok ? t('mail.checkOk', { count: String(result.messages ?? 0) }) : t('mail.checkFailed', { error: result.error ?? '' }));
    } catch (cause) {
      setCheck((cause as ApiError).message);
    }
  };
  const imap = draft.imap;
  const status = props.mailbox?.imap;
  return (
    <form class="panel" onSubmit={save} aria-label={props.mailbox ? props.mailbox.name : t('mail.newMailbox')}>
      <h3>{props.mailbox ? `${props.mailbox.name} · ${props.mailbox.address}` : t('mail.newMailbox')}</h3>
      <div class="grid">
        <Field label={t('admin.thingName')} id={`mname-${id}`}>
          <input id={`mname-${id}`} required maxLength={120} value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </Field>
        <Field label={t('mail.address')} id={`maddr-${id}`}>
          <input id={`maddr-${id}`} type="email" required value={draft.address} onInput={(e) => set({ address: e.currentTarget.value })} />
        </Field>
        <Field label={t('mail.team')} id={`mteam-${id}`}>
          <select id={`mteam-${id}`} value={draft.team_id ?? ''} onChange={(e) => set({ team_id: (e.currentTarget as HTMLSelectElement).value || null })}>
            <option value="">{t('common.none')}</option>
            {props.teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('mail.stage')} id={`mstage-${id}`}>
          <select id={`mstage-${id}`} value={draft.stage ?? 'pre_sale'} onChange={(e) => set({ stage: (e.currentTarget as HTMLSelectElement).value as MailboxRequest['stage'] })}>
            {STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {t(`stage.${stage}`)}
              </option>
            ))}
          </select>
        </Field>
        <label class="toggle">
          <input type="checkbox" checked={draft.active ?? true} onChange={(e) => set({ active: e.currentTarget.checked })} />
          {t('mail.active')}
        </label>
        <label class="toggle">
          <input type="checkbox" checked={draft.acknowledge ?? true} onChange={(e) => set({ acknowledge: e.currentTarget.checked })} />
          {t('mail.acknowledge')}
        </label>
        <label class="toggle">
          <input
            type="checkbox"
            checked={Boolean(imap)}
            onChange={(e) =>
              set({ imap: e.currentTarget.checked ? { host: '', port: 993, security: 'tls', username: draft.address, folder: 'INBOX', after_fetch: 'flag', password: null } : null })
            }
          />
          {t('mail.fetchImap')}
        </label>
      </div>
      {imap && (
        <fieldset class="grid">
          <legend>{t('mail.imap')}</legend>
          <Field label={t('mail.host')} id={`mhost-${id}`}>
            <input id={`mhost-${id}`} required value={imap.host} onInput={(e) => setImap({ host: e.currentTarget.value })} />
          </Field>
          <Field label={t('mail.port')} id={`mport-${id}`}>
            <input id={`mport-${id}`} type="number" min={1} max={65535} required value={imap.port} onInput={(e) => setImap({ port: Number(e.currentTarget.value) })} />
          </Field>
          <Field label={t('mail.security')} id={`msec-${id}`}>
            <select id={`msec-${id}`} value={imap.security} onChange={(e) => setImap({ security: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="tls">{t('mail.security.tls')}</option>
              <option value="starttls">{t('mail.security.starttls')}</option>
              <option value="none">{t('mail.security.none')}</option>
            </select>
          </Field>
          <Field label={t('mail.username')} id={`muser-${id}`}>
            <input id={`muser-${id}`} required value={imap.username} onInput={(e) => setImap({ username: e.currentTarget.value })} />
          </Field>
          <Field label={t('mail.password')} id={`mpass-${id}`} hint={props.mailbox?.imap ? t('mail.passwordKept') : undefined}>
            <input id={`mpass-${id}`} type="password" autocomplete="new-password" required={!props.mailbox?.imap} value={imap.password ?? ''} onInput={(e) => setImap({ password: e.currentTarget.value || null })} />
          </Field>
          <Field label={t('mail.folder')} id={`mfolder-${id}`}>
            <input id={`mfolder-${id}`} value={imap.folder ?? 'INBOX'} onInput={(e) => setImap({ folder: e.currentTarget.value })} />
          </Field>
          <Field label={t('mail.afterFetch')} id={`mafter-${id}`}>
            <select id={`mafter-${id}`} value={imap.after_fetch ?? 'flag'} onChange={(e) => setImap({ after_fetch: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="flag">{t('mail.afterFetch.flag')}</option>
              <option value="move">{t('mail.afterFetch.move')}</option>
            </select>
          </Field>
          {imap.after_fetch === 'move' && (
            <Field label={t('mail.moveTo')} id={`mmove-${id}`}>
              <input id={`mmove-${id}`} required value={imap.move_to ?? ''} onInput={(e) => setImap({ move_to: e.currentTarget.value })} />
            </Field>
          )}
        </fieldset>
      )}
      {status && (
        <p class="muted" role="status">
          {status.last_error
            ? t('mail.lastError', { error: status.last_error })
            : status.checked_at
              ? t('mail.lastChecked', { time: dateTime(new Date(status.checked_at), locale) })
              : t('mail.notCheckedYet')}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {props.mailbox ? t('common.save') : t('common.create')}
        </button>
        {props.mailbox?.imap && (
          <button type="button" onClick={() => void test()}>
            {t('mail.testConnection')}
          </button>
        )}
        {check && (
          <span role="status" class="check-result">
            {check}
          </span>
        )}
      </div>
    </form>
  );
}

function Quarantine(props: { onError: (e: ApiError | null) => void }) {
  const { t, locale } = useI18n();
  const { notify } = useSession();
  const page = useLoad(() => ok(api.GET('/api/v1/mail/quarantine', { params: { query: { limit: 100 } } })), []);
  const retry = async (id: string) => {
    props.onError(null);
    try {
      const result = await ok(api.POST('/api/v1/mail/quarantine/{id}/retry', { params: { path: { id } } }));
      notify(result.outcome === 'quarantined' ? t('mail.stillQuarantined', { reason: result.reason ?? '' }) : t('mail.taken'));
      page.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async (id: string) => {
    if (!window.confirm(t('mail.deleteConfirm'))) return;
    try {
      await ok(api.DELETE('/api/v1/mail/quarantine/{id}', { params: { path: { id } } }));
      page.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <section aria-labelledby="quarantine-title">
      <h2 id="quarantine-title">{t('mail.quarantine')}</h2>
      <p class="muted">{t('mail.quarantineHint')}</p>
      {!page.value ? (
        <Loading />
      ) : page.value.items.length === 0 ? (
        <p class="empty">{t('mail.quarantineEmpty')}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th>{t('mail.received')}</th>
              <th>{t('email.from')}</th>
              <th>{t('mail.subject')}</th>
              <th>{t('mail.reason')}</th>
              <th>{t('mail.attempts')}</th>
              <th>
                <span class="visually-hidden">{t('mail.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.value.items.map((q) => (
              <tr key={q.id}>
                <td>{dateTime(new Date(q.created_at), locale)}</td>
                <td>{q.sender ?? '—'}</td>
                <td>{q.subject ?? '—'}</td>
                <td title={q.detail}>{t(`mail.reason.${q.reason}` as never) || q.reason}</td>
                <td>{q.attempts}</td>
                <td class="actions">
                  <a href={q.raw_url} download>
                    {t('mail.download')}
                  </a>
                  <button type="button" onClick={() => void retry(q.id)}>
                    {t('mail.retry')}
                  </button>
                  <button type="button" onClick={() => void remove(q.id)}>
                    {t('mail.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
