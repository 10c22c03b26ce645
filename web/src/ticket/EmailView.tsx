/** A mail on the timeline: who sent it to whom, why it is on this ticket, its text (the
 * quoted history folded away) or its sanitised HTML in a sandboxed frame that loads remote
 * images only when asked, and how its delivery went. */
import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Message, type Schemas } from '../api/client';
import { describeError } from '../errors';
import { type MessageKey, useI18n } from '../i18n';
import { navigate } from '../router';

type Email = Schemas['EmailDetails'];
type Party = Schemas['EmailParty'];

function party(p: Party): string {
  return p.name ? `${p.name} <${p.address}>` : p.address;
}

/** The mail of `message`, whose `email` is set. */
export function EmailView(props: { message: Message; ticket: string }) {
  const { t } = useI18n();
  const email = props.message.email as Email;
  // Mail received is shown as sent; Kefu's own replies as the text the agent wrote.
  const [html, setHtml] = useState(Boolean(email.html) && email.direction === 'inbound');
  const [remote, setRemote] = useState(false);
  const src =
    `/api/v1/tickets/${encodeURIComponent(props.ticket)}/messages/${props.message.id}/html` +
    (remote ? '?remote_images=true' : '');
  return (
    <div class="email">
      <dl class="email-parties">
        <dt>{t('email.from')}</dt>
        <dd>{party(email.from)}</dd>
        {email.to.length > 0 && (
          <>
            <dt>{t('email.to')}</dt>
            <dd>{email.to.map(party).join(', ')}</dd>
          </>
        )}
        {email.cc.length > 0 && (
          <>
            <dt>{t('email.cc')}</dt>
            <dd>{email.cc.map(party).join(', ')}</dd>
          </>
        )}
      </dl>
      <p class="email-meta">
        <span class="badge thread-badge" title={t('email.threadHint')}>
          {t(`email.rule.${email.thread_rule}` as MessageKey)}
        </span>
        {email.automatic && <span class="badge">{t('email.automatic')}</span>}
        {email.delivery && (
          <span class={`badge delivery-${email.delivery}`} title={email.delivery_error ?? undefined}>
            {t(`email.delivery.${email.delivery}` as MessageKey)}
          </span>
        )}
        {email.delivery_error && <span class="email-error">{email.delivery_error}</span>}
      </p>
      {email.html && (
        <p class="email-switch">
          <button type="button" class="link" onClick={() => setHtml(!html)}>
            {html ? t('email.showText') : t('email.showHtml')}
          </button>
          {html && !remote && (
            <button type="button" class="link" onClick={() => setRemote(true)}>
              {t('email.loadImages')}
            </button>
          )}
        </p>
      )}
      {html && email.html ? (
        <iframe class="email-frame" sandbox="allow-popups allow-popups-to-escape-sandbox" src={src} title={t('email.frameTitle', { subject: email.subject })} />
      ) : (
        <p class="body">{props.message.body}</p>
      )}
      {email.quoted && (
        <details class="email-quoted">
          <summary>{t('email.quoted')}</summary>
          <p class="body">{email.quoted}</p>
        </details>
      )}
      {email.direction === 'inbound' && <MoveMail message={props.message.id} ticket={props.ticket} />}
    </div>
  );
}

/** Moves a customer's mail to the ticket it belongs on, or splits it off into a new one. */
function MoveMail(props: { message: string; ticket: string }) {
  const { t } = useI18n();
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const move = async (to: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const moved = await ok(
        api.POST('/api/v1/tickets/{id}/messages/{message}/move', {
          params: { path: { id: props.ticket, message: props.message } },
          body: { to_ticket: to },
        }),
      );
      navigate(`/tickets/${moved.ticket_number}`);
    } catch (cause) {
      setError(cause instanceof ApiError ? describeError(cause, t) : String(cause));
    } finally {
      setBusy(false);
    }
  };
  const id = `move-${props.message}`;
  return (
    <details class="email-move">
      <summary>{t('email.move')}</summary>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void move(target.trim());
        }}
      >
        <label for={id}>{t('email.moveTo')}</label>
        <input id={id} required inputMode="numeric" placeholder="1042" value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          {t('email.moveButton')}
        </button>
        <button type="button" disabled={busy} onClick={() => void move(null)}>
          {t('email.split')}
        </button>
      </form>
      {error && (
        <p class="banner banner-error" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
