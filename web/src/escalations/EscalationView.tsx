import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { dateTime, relativeTime, ticketNumber } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorBanner, Link } from '../components/ui';

export type Escalation = Schemas['EscalationResponse'];
export type EscalationDetail = Schemas['EscalationDetail'];
export type EscalationStatus = Schemas['EscalationStatus'];
type Entry = Schemas['EscalationEntry'];

/** An escalation's status as a badge. */
export function EscalationBadge(props: { status: EscalationStatus }) {
  const { t } = useI18n();
  return (
    <span class={`badge esc-${props.status}`} data-status={props.status}>
      {t(`esc.status.${props.status}` as MessageKey)}
    </span>
  );
}

/** When the vendor is next due to act, marked when late. */
export function Due(props: { escalation: Escalation }) {
  const { t, locale } = useI18n();
  const e = props.escalation;
  if (!e.due_at) return null;
  const when = relativeTime(new Date(e.due_at), new Date(), locale);
  return e.overdue ? (
    <span class="overdue" title={dateTime(new Date(e.due_at), locale)}>
      {t('esc.overdue')} · {when}
    </span>
  ) : (
    <span class="muted" title={dateTime(new Date(e.due_at), locale)}>
      {t('esc.due', { time: when })}
    </span>
  );
}

/** The mail an entry came in, for a vendor who answers by mail. */
function mailed(e: Entry): { automatic?: boolean } | undefined {
  const data = e.data as { email?: { automatic?: boolean } } | null | undefined;
  return data?.email;
}

function EntryView(props: { entry: Entry; staff: boolean; onCopy?: (entry: Entry) => void }) {
  const { t, locale } = useI18n();
  const e = props.entry;
  const when = dateTime(new Date(e.created_at), locale);
  if (e.kind === 'event') {
    const data = (e.data ?? {}) as { from?: EscalationStatus; to?: EscalationStatus; copied?: unknown };
    const text = data.copied
      ? `${e.author.name}: ${t('esc.copiedEvent')}`
      : data.to
        ? t('esc.movedBy', {
            name: e.author.name,
            from: data.from ? t(`esc.status.${data.from}` as MessageKey) : '—',
            to: t(`esc.status.${data.to}` as MessageKey),
          })
        : e.author.name;
    return (
      <li class="esc-event">
        <span>{text}</span> <time class="muted">{when}</time>
      </li>
    );
  }
  return (
    <li class={`esc-entry esc-entry-${e.kind} esc-by-${e.author.kind}`}>
      <header>
        <strong>{e.kind === 'shared' ? t('esc.shared') : e.author.name}</strong>
        {e.kind === 'note' && <span class="badge">{t('esc.note')}</span>}
        {mailed(e) && <span class="badge">{mailed(e)?.automatic ? t('esc.autoReply') : t('esc.byEmail')}</span>}{' '}
        <time class="muted">{when}</time>
      </header>
      <p class="esc-body">{e.body}</p>
      {e.files.length > 0 && (
        <ul class="esc-files">
          {e.files.map((f) => (
            <li key={f.id}>
              <a href={f.url} download={f.name}>
                {f.name}
              </a>
            </li>
          ))}
        </ul>
      )}
      {props.staff && props.onCopy && e.kind === 'reply' && e.author.kind === 'vendor' && (
        <button type="button" class="link" onClick={() => props.onCopy?.(e)}>
          {t('esc.copy')}
        </button>
      )}
    </li>
  );
}

/** One escalation: the brief, what was shared, the thread, and what the reader may do next
 * (reply, note, move); agents may copy a vendor's reply into a customer reply. */
export function EscalationView(props: {
  detail: EscalationDetail;
  staff: boolean;
  onChanged: (detail: EscalationDetail) => void;
  onCopied?: () => void;
}) {
  const { t, locale } = useI18n();
  const { escalation, thread, moves } = props.detail;
  const [body, setBody] = useState('');
  const [note, setNote] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ended = escalation.status === 'closed' || escalation.status === 'cancelled';
  const idPath = { params: { path: { id: escalation.id } } };

  const run = async (action: () => Promise<EscalationDetail>) => {
    setBusy(true);
    setError(null);
    try {
      props.onChanged(await action());
      setBody('');
      setNote(false);
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const send = (event: Event) => {
    event.preventDefault();
    if (!body.trim()) return;
    void run(() =>
      ok(api.POST('/api/v1/escalations/{id}/messages', { ...idPath, body: { body, kind: note ? 'note' : 'reply' } })),
    );
  };
  const attach = (file: File) =>
    run(() =>
      ok(
        api.POST('/api/v1/escalations/{id}/files', {
          params: {
            path: { id: escalation.id },
            query: { name: file.name, kind: note ? 'note' : 'reply', ...(body.trim() ? { body } : {}) },
          },
          // The file's own bytes, as they are.
          body: file as unknown as number[],
          bodySerializer: (raw: unknown) => raw as File,
          headers: { 'Content-Type': 'application/octet-stream' },
        }),
      ),
    );
  const move = (status: EscalationStatus) =>
    run(() => ok(api.POST('/api/v1/escalations/{id}/status', { ...idPath, body: { status, body: body.trim() ? body : null } })));
  const copy = async (entry: Entry) => {
    setError(null);
    try {
      await ok(
        api.POST('/api/v1/escalations/{id}/messages/{entry}/copy', {
          params: { path: { id: escalation.id, entry: entry.id } },
          body: {},
        }),
      );
      props.onCopied?.();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };

  return (
    <section class="escalation" aria-labelledby={`esc-${escalation.id}`} data-status={escalation.status}>
      <header class="esc-header">
        <h2 id={`esc-${escalation.id}`}>
          <span class="muted">{escalation.reference}</span> {escalation.subject}
        </h2>
        <EscalationBadge status={escalation.status} /> <Due escalation={escalation} />
      </header>
      <dl class="esc-facts">
        <dt>{t('esc.vendor')}</dt>
        <dd>{escalation.vendor.name}</dd>
        {escalation.ticket && (
          <>
            <dt>{t('esc.ticket')}</dt>
            <dd>
              <Link href={`/tickets/${escalation.ticket.number}`}>
                {ticketNumber(escalation.ticket.number)} {escalation.ticket.subject}
              </Link>
            </dd>
          </>
        )}
        <dt>{t('esc.ackBy', { time: '' }).trim()}</dt>
        <dd>{dateTime(new Date(escalation.acknowledge_by), locale)}</dd>
        <dt>{t('esc.answerBy', { time: '' }).trim()}</dt>
        <dd>{dateTime(new Date(escalation.answer_by), locale)}</dd>
        {escalation.contact && (
          <>
            <dt>{t('esc.contact')}</dt>
            <dd>
              {[escalation.contact.name, escalation.contact.email, escalation.contact.phone].filter(Boolean).join(' · ')}
            </dd>
          </>
        )}
      </dl>
      <h3>{t('esc.brief')}</h3>
      <p class="esc-body esc-brief">{escalation.brief}</p>
      <h3>{t('esc.thread')}</h3>
      <ol class="esc-thread">
        {thread.map((entry) => (
          <EntryView key={entry.id} entry={entry} staff={props.staff} onCopy={props.staff ? copy : undefined} />
        ))}
      </ol>
      <ErrorBanner error={error} />
      {!ended && (
        <form class="esc-reply" onSubmit={send}>
          <label for={`esc-body-${escalation.id}`}>{t('esc.replyLabel')}</label>
          <textarea id={`esc-body-${escalation.id}`} rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          <div class="esc-actions">
            {!props.staff && (
              <label class="inline-check">
                <input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} /> {t('esc.note')}
              </label>
            )}
            <button type="submit" class="primary" disabled={busy || !body.trim()}>
              {t('esc.send.reply')}
            </button>
            <label class="file-button">
              {t('esc.attach')}
              <input
                type="file"
                class="visually-hidden"
                disabled={busy}
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = '';
                  if (file) void attach(file);
                }}
              />
            </label>
          </div>
        </form>
      )}
      {moves.length > 0 && (
        <div class="esc-moves" role="group" aria-label={t('esc.filter.status')}>
          {moves.map((status) => (
            <button key={status} type="button" disabled={busy} onClick={() => void move(status)} data-move={status}>
              {t(`esc.move.${status}` as MessageKey)}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
