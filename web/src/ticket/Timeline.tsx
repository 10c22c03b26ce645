import type { Message } from '../api/client';
import { dateTime, duration } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ChannelIcon, Icon } from '../components/ui';
import { FileView } from '../chat/files';
import { noteOf, noteText } from '../chat/notes';
import { EmailView } from './EmailView';

/** The half of a system event's "English / 中文" text in the reader's language. */
export function inLocale(text: string, locale: string): string {
  const halves = text.split(' / ');
  if (halves.length !== 2) return text;
  return (locale === 'zh-CN' ? halves[1] : halves[0]) ?? text;
}

type Change = { field: string; from?: string | null; to?: string | null; from_name?: string | null; to_name?: string | null };

const ENUM_FIELDS: Record<string, string> = { status: 'status', priority: 'priority', stage: 'stage' };

/** Everything on the ticket, oldest first: replies, internal notes, calls and changes. */
export function Timeline(props: { messages: Message[]; ticket: string }) {
  const { t, locale } = useI18n();
  const value = (change: Change, side: 'from' | 'to') => {
    const raw = change[side];
    const name = change[`${side}_name`];
    if (name) return name;
    if (raw == null || raw === '') return t('common.none');
    const prefix = ENUM_FIELDS[change.field];
    return prefix ? t(`${prefix}.${raw}` as MessageKey) : raw;
  };
  return (
    <ol class="timeline" aria-label={t('ticket.timeline')}>
      {props.messages.map((message) => {
        const when = (
          <time dateTime={message.created_at}>{dateTime(new Date(message.created_at), locale)}</time>
        );
        if (message.kind === 'event') {
          const changes = ((message.data as { changes?: Change[] } | null)?.changes ?? []).map((change) =>
            t('ticket.change', {
              field: t(`ticket.field.${change.field}` as MessageKey),
              from: value(change, 'from'),
              to: value(change, 'to'),
            }),
          );
          // A service-level alert says which target, in the reader's words and time zone.
          const sla = (message.data as { sla?: { target: string; kind: string; due_at: string } } | null)?.sla;
          const alert = sla
            ? t(`sla.alert.${sla.kind}` as MessageKey, {
                target: t(`sla.target.${sla.target}` as MessageKey),
                time: dateTime(new Date(sla.due_at), locale),
              })
            : null;
          // Events without field changes (a mail moved, an acknowledgement mailed) carry
          // their words, English and Chinese, as "English / 中文".
          const note = noteOf(message.data);
          const said =
            (note && noteText(t, note)) ??
            alert ??
            (changes.length || !message.body
              ? t('ticket.event', { who: message.author.name, changes: changes.join(locale === 'zh-CN' ? '；' : '; ') })
              : inLocale(message.body, locale));
          const delivery = message.email?.delivery;
          return (
            <li key={message.id} class={`entry event${sla ? ` sla-alert sla-${sla.kind}` : ''}`}>
              {said} · {when}
              {delivery && (
                <>
                  {' '}
                  <span class={`badge delivery-${delivery}`} title={message.email?.delivery_error ?? undefined}>
                    {t(`email.delivery.${delivery}` as MessageKey)}
                  </span>
                </>
              )}
            </li>
          );
        }
        if (message.kind === 'call' && message.call) {
          const call = message.call;
          return (
            <li key={message.id} class="entry call">
              <header>
                <Icon name="phone" /> <strong>{t('ticket.call')}</strong> · {message.author.name} · {when}
              </header>
              <p>
                {t('ticket.callSummary', {
                  direction: t(`direction.${call.direction}`),
                  from: call.from_display,
                  to: call.to_display,
                  duration: duration(call.duration_seconds, t('duration.format')),
                  outcome: t(`outcome.${call.outcome}`),
                })}
              </p>
              {call.notes && <p class="body">{call.notes}</p>}
            </li>
          );
        }
        const internal = message.visibility === 'internal';
        return (
          <li key={message.id} class={`entry ${internal ? 'note' : 'reply'} author-${message.author.kind}`}>
            <header>
              <strong>{message.author.name}</strong>
              {internal && <span class="badge note-badge">{t('ticket.internalNote')}</span>}
              <ChannelIcon channel={message.channel} /> · {when}
            </header>
            {message.email ? (
              <EmailView message={message} ticket={props.ticket} />
            ) : (
              !message.files?.length && <p class="body">{message.body}</p>
            )}
            {message.files?.length ? (
              <div class="chat-files" aria-label={t('ticket.files')}>
                {message.files.map((f) => (
                  <FileView key={f.id} file={f} base="" />
                ))}
              </div>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
