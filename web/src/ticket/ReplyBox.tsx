import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Status } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorBanner } from '../components/ui';

/** Writes a public reply or an internal note; replies can set a status as they go. */
export function ReplyBox(props: {
  ticketId: string;
  onSent: () => void;
  textRef: RefObject<HTMLTextAreaElement>;
  /** Who a public reply goes to by mail, when it does. */
  mailTo?: string | null;
}) {
  const { t } = useI18n();
  const [internal, setInternal] = useState(false);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const send = async (status?: Status) => {
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await ok(
        api.POST('/api/v1/tickets/{id}/messages', {
          params: { path: { id: props.ticketId } },
          body: { body, visibility: internal ? 'internal' : 'public', status: status ?? null },
        }),
      );
      setBody('');
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
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
      />
      {!internal && props.mailTo && <p class="mail-to">{t('email.replyGoesTo', { to: props.mailTo })}</p>}
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
