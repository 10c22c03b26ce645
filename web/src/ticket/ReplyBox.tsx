import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas, type Status } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { ErrorBanner } from '../components/ui';
import { MacroPicker, useSlashMacros } from '../macros/slash';

type Party = Schemas['EmailParty'];

const addresses = (parties: Party[]) => parties.map((p) => p.address).join(', ');
const split = (typed: string) =>
  typed
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Writes a public reply or an internal note; replies can set a status as they go. On a
 * ticket answered by mail it shows who the reply goes to, and the agent may change that. */
export function ReplyBox(props: {
  ticketId: string;
  onSent: () => void;
  textRef: RefObject<HTMLTextAreaElement>;
  /** Changes when the timeline does, so the recipients are read again. */
  revision: number;
}) {
  const { t } = useI18n();
  const [internal, setInternal] = useState(false);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const recipients = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/mail-recipients', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision],
  );
  const [editing, setEditing] = useState<{ to: string; cc: string } | null>(null);
  const byMail = recipients.value?.by_mail ? recipients.value : null;
  const slash = useSlashMacros({ ticketId: props.ticketId, text: body, setText: setBody, onApplied: props.onSent });
  const send = async (status?: Status) => {
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await ok(
        api.POST('/api/v1/tickets/{id}/messages', {
          params: { path: { id: props.ticketId } },
          body: {
            body,
            visibility: internal ? 'internal' : 'public',
            status: status ?? null,
            ...(editing && !internal ? { mail_to: split(editing.to), mail_cc: split(editing.cc) } : {}),
          },
        }),
      );
      setBody('');
      setEditing(null);
      // A note is the exception: the next entry is a public reply unless chosen again.
      setInternal(false);
      props.onSent();
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class={`reply-box ${internal ? 'is-note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div class="tabs" role="radiogroup" aria-label={t('ticket.replyKind')}>
        <label>
          <input type="radio" name="kind" checked={!internal} onChange={() => setInternal(false)} />
          {t('ticket.publicReply')}
        </label>
        <label>
          <input type="radio" name="kind" checked={internal} onChange={() => setInternal(true)} />
          {t('ticket.internalNote')}
        </label>
      </div>
      <label for="reply-body" class="visually-hidden">
        {internal ? t('ticket.note') : t('ticket.reply')}
      </label>
      <textarea
        id="reply-body"
        ref={props.textRef}
        rows={4}
        value={body}
        placeholder={internal ? t('ticket.notePlaceholder') : t('ticket.replyPlaceholder')}
        aria-controls={slash.open ? 'reply-macros' : undefined}
        aria-autocomplete="list"
        onInput={(e) => {
          setBody(e.currentTarget.value);
          slash.follow(e.currentTarget.selectionStart ?? e.currentTarget.value.length);
        }}
        onClick={(e) => slash.follow(e.currentTarget.selectionStart ?? 0)}
        onKeyDown={(e) => {
          if (slash.onKeyDown(e)) return;
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {slash.open && <MacroPicker id="reply-macros" matches={slash.matches} active={slash.active} onPick={(m) => void slash.pick(m)} />}
      <ErrorBanner error={slash.error} />
      {!internal && byMail && !editing && (
        <p class="mail-to">
          {byMail.to.length + byMail.cc.length > 0
            ? t('email.replyGoesTo', { to: addresses([...byMail.to, ...byMail.cc]) })
            : t('email.noRecipient')}{' '}
          <button type="button" class="link" onClick={() => setEditing({ to: addresses(byMail.to), cc: addresses(byMail.cc) })}>
            {t('email.editRecipients')}
          </button>
        </p>
      )}
      {!internal && byMail && byMail.undeliverable.length > 0 && (
        <p class="mail-to warning">{t('email.undeliverable', { list: byMail.undeliverable.join(', ') })}</p>
      )}
      {!internal && editing && (
        <fieldset class="recipients">
          <legend>{t('email.recipients')}</legend>
          <label for="reply-to">{t('email.to')}</label>
          <input id="reply-to" value={editing.to} onInput={(e) => setEditing({ ...editing, to: e.currentTarget.value })} />
          <label for="reply-cc">{t('email.cc')}</label>
          <input id="reply-cc" value={editing.cc} onInput={(e) => setEditing({ ...editing, cc: e.currentTarget.value })} />
          <p class="muted">{t('email.recipientsHint')}</p>
        </fieldset>
      )}
      <ErrorBanner error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !body.trim()}>
          {busy ? t('ticket.sending') : internal ? t('ticket.addNote') : t('ticket.send')}
        </button>
        {!internal && (
          <>
            <button type="button" disabled={busy || !body.trim()} onClick={() => void send('pending')}>
              {t('ticket.sendAs', { status: t('status.pending') })}
            </button>
            <button type="button" disabled={busy || !body.trim()} onClick={() => void send('solved')}>
              {t('ticket.sendAs', { status: t('status.solved') })}
            </button>
          </>
        )}
      </div>
    </form>
  );
}
