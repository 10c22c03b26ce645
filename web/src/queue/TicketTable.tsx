import { useEffect, useRef } from 'preact/hooks';
import type { Ticket } from '../api/client';
import { relativeTime, ticketNumber } from '../format';
import { useI18n } from '../i18n';
import { ChannelIcon, Link, PriorityLabel, StatusBadge } from '../components/ui';
import { Countdown } from '../components/Countdown';
import { useNow } from '../hooks';

/** The queue's table: one row per ticket, the active row highlighted for j/k. */
export function TicketTable(props: {
  tickets: Ticket[];
  active: number;
  selected: Set<string>;
  loaded: boolean;
  /** The queue's query string; when `loaded`, the rows shown answer it. */
  query: string;
  onToggle: (id: string) => void;
  onToggleAll: (all: boolean) => void;
  onActivate: (index: number) => void;
}) {
  const { t, locale } = useI18n();
  const body = useRef<HTMLTableSectionElement>(null);
  const now = useNow(1000);
  useEffect(() => {
    const row = body.current?.children[props.active] as HTMLElement | undefined;
    row?.scrollIntoView({ block: 'nearest' });
  }, [props.active]);
  if (props.tickets.length === 0) {
    return (
      <p class="empty" data-loaded={props.loaded} data-query={props.query}>
        {t('queue.empty')}
      </p>
    );
  }
  const all = props.tickets.every((ticket) => props.selected.has(ticket.id));
  return (
    <table class="tickets" data-loaded={props.loaded} data-query={props.query}>
      <thead>
        <tr>
          <th scope="col" class="check">
            <input
              type="checkbox"
              aria-label={t('queue.selectAll')}
              checked={all}
              onChange={(e) => props.onToggleAll(e.currentTarget.checked)}
            />
          </th>
          <th scope="col">{t('queue.col.number')}</th>
          <th scope="col">{t('queue.col.subject')}</th>
          <th scope="col">{t('queue.col.requester')}</th>
          <th scope="col">{t('queue.col.channel')}</th>
          <th scope="col">{t('queue.col.stage')}</th>
          <th scope="col">{t('queue.col.status')}</th>
          <th scope="col">{t('queue.col.priority')}</th>
          <th scope="col">{t('queue.col.assignee')}</th>
          <th scope="col">{t('queue.col.team')}</th>
          <th scope="col">{t('queue.col.due')}</th>
          <th scope="col">{t('queue.col.updated')}</th>
        </tr>
      </thead>
      <tbody ref={body}>
        {props.tickets.map((ticket, index) => {
          const href = `/tickets/${ticket.number}`;
          const updated = new Date(ticket.updated_at);
          return (
            <tr
              key={ticket.id}
              class={[
                index === props.active ? 'active' : '',
                ticket.unread ? 'unread' : '',
                props.selected.has(ticket.id) ? 'selected' : '',
              ].join(' ')}
              aria-selected={index === props.active}
              onClick={() => props.onActivate(index)}
            >
              <td class="check">
                <input
                  type="checkbox"
                  aria-label={t('queue.select', { number: ticketNumber(ticket.number) })}
                  checked={props.selected.has(ticket.id)}
                  onChange={() => props.onToggle(ticket.id)}
                />
              </td>
              <td class="number">{ticketNumber(ticket.number)}</td>
              <td class="subject">
                {ticket.unread && (
                  <span class="dot" title={t('queue.updated')}>
                    <span class="visually-hidden">{t('queue.updated')}</span>
                  </span>
                )}
                <Link href={href}>{ticket.subject}</Link>
                {ticket.snippet && (
                  <p class="snippet">
                    <span class="visually-hidden">{t('queue.snippet')}: </span>
                    {ticket.snippet.parts.map((part, i) =>
                      part.highlight ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
                    )}
                  </p>
                )}
              </td>
              <td class="name">{ticket.requester.name}</td>
              <td>
                <ChannelIcon channel={ticket.channel} />
              </td>
              <td>{ticket.stage ? t(`stage.${ticket.stage}`) : '—'}</td>
              <td>
                <StatusBadge status={ticket.status} />
              </td>
              <td>
                {ticket.priority && <PriorityLabel priority={ticket.priority} />}
              </td>
              <td class="name">{ticket.assignee?.name ?? '—'}</td>
              <td class="name">{ticket.team?.name ?? '—'}</td>
              <td>{ticket.sla_due_at ? <Countdown due={ticket.sla_due_at} now={now} /> : '—'}</td>
              <td class="name">
                <time dateTime={ticket.updated_at} title={updated.toLocaleString(locale)}>
                  {relativeTime(updated, now, locale)}
                </time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
