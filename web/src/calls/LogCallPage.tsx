import { useEffect, useState } from 'preact/hooks';
import { ApiError, PRIORITIES, STAGES, api, ok, type Customer, type Priority, type Stage, type Ticket } from '../api/client';
import { parseDuration, ticketNumber } from '../format';
import { useI18n } from '../i18n';
import { navigate, usePlace } from '../router';
import { useSession } from '../session';
import { ChoiceSelect, EnumSelect, ErrorBanner, Field, Link, StatusBadge } from '../components/ui';
import { CallFields, type CallForm, callBody, emptyCall, teamLine } from './CallFields';

interface Found {
  number: string;
  customers: Customer[];
  tickets: Ticket[];
}

/** An agent on the phone: find the caller by number, then log the call on one of their open
 * tickets or open a new phone ticket. */
export function LogCallPage() {
  const { t } = useI18n();
  const session = useSession();
  const place = usePlace();
  const [number, setNumber] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const line = teamLine(session.teams, session.user.id);
  const [call, setCall] = useState<CallForm>(emptyCall(line));
  const mine = session.teams.find((team) => team.members.some((m) => m.id === session.user.id));
  const [triage, setTriage] = useState({ stage: 'after_sale' as Stage, priority: 'normal' as Priority, team: mine?.id ?? '' });
  // The directory arrives after the page: take the team's line and team once they are known.
  useEffect(() => {
    if (line) setCall((current) => ({ ...current, ourNumber: line }));
  }, [line]);
  useEffect(() => {
    if (mine) setTriage((current) => (current.team ? current : { ...current, team: mine.id }));
  }, [mine?.id]);
  const [subject, setSubject] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async (raw: string) => {
    setError(null);
    setFound(null);
    setBusy(true);
    try {
      const customers = (await ok(api.GET('/api/v1/customers', { params: { query: { phone: raw } } }))).items;
      const tickets: Ticket[] = [];
      for (const customer of customers) {
        const page = await ok(
          api.GET('/api/v1/tickets', {
            params: { query: { requester: customer.id, status: 'unsolved', limit: 20 } },
          }),
        );
        tickets.push(...page.items);
      }
      setFound({ number: raw, customers, tickets });
      setName(customers[0]?.name ?? '');
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  // Coming from a ticket ("log a call on this ticket"): start from its requester's number.
  useEffect(() => {
    const ticket = new URLSearchParams(place.search).get('ticket');
    if (!ticket) return;
    ok(api.GET('/api/v1/tickets/{id}', { params: { path: { id: ticket } } })).then(
      (t) => {
        if (t.requester.phone) {
          setNumber(t.requester.phone);
          void find(t.requester.phone);
        }
      },
      (cause: ApiError) => setError(cause),
    );
  }, [place.search]);

  const checkDuration = () => {
    if (parseDuration(call.duration) === null) {
      setError(new ApiError(0, 'invalid_duration', t('call.badDuration')));
      return false;
    }
    return true;
  };

  const logOn = async (ticket: Ticket) => {
    if (!found || !checkDuration()) return;
    setBusy(true);
    setError(null);
    try {
      await ok(
        api.POST('/api/v1/tickets/{id}/calls', {
          params: { path: { id: ticket.id } },
          body: callBody(call, found.number),
        }),
      );
      session.notify(t('call.logged', { number: ticketNumber(ticket.number) }));
      navigate(`/tickets/${ticket.number}`);
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const createTicket = async (event: Event) => {
    event.preventDefault();
    if (!found || !checkDuration()) return;
    setBusy(true);
    setError(null);
    const known = found.customers[0];
    try {
      const created = await ok(
        api.POST('/api/v1/tickets', {
          body: {
            subject,
            channel: 'phone',
            stage: triage.stage,
            priority: triage.priority,
            team_id: triage.team || null,
            requester: known ? { id: known.id } : { name: name || null, phone: found.number },
            call: callBody(call, found.number),
          },
        }),
      );
      session.notify(t('call.logged', { number: ticketNumber(created.number) }));
      navigate(`/tickets/${created.number}`);
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page-form calls">
      <h1>{t('call.title')}</h1>
      <form
        class="find-caller"
        onSubmit={(e) => {
          e.preventDefault();
          void find(number);
        }}
      >
        <Field label={t('call.number')} id="caller-number">
          <input
            id="caller-number"
            type="tel"
            required
            value={number}
            placeholder="+86 138 0013 8000"
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t('call.find')}
        </button>
      </form>
      <ErrorBanner error={error} />
      {found && (
        <>
          {found.customers.length === 0 ? (
            <p class="banner banner-info" role="status">
              {t('call.unknown')}
            </p>
          ) : (
            found.customers.map((customer) => (
              <section key={customer.id} class="panel caller" aria-label={t('call.found')}>
                <h2>
                  {t('call.found')}: {customer.name}
                  {customer.organisation && <span class="muted"> · {customer.organisation}</span>}
                </h2>
                <p class="muted">{[...customer.emails, ...customer.phones_display].join(' · ')}</p>
              </section>
            ))
          )}
          <CallFields value={call} onChange={setCall} customerNumber={found.number} />
          {found.customers.length > 0 && (
            <section class="panel" aria-labelledby="open-title">
              <h2 id="open-title">{t('call.openTickets')}</h2>
              {found.tickets.length === 0 ? (
                <p class="muted">{t('call.noOpenTickets')}</p>
              ) : (
                <ul class="open-tickets">
                  {found.tickets.map((ticket) => (
                    <li key={ticket.id}>
                      <Link href={`/tickets/${ticket.number}`}>
                        {ticketNumber(ticket.number)} {ticket.subject}
                      </Link>{' '}
                      <StatusBadge status={ticket.status} />{' '}
                      <button type="button" disabled={busy} onClick={() => void logOn(ticket)}>
                        {t('call.logOn', { number: ticket.number })}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <form class="panel" onSubmit={createTicket} aria-labelledby="new-call-title">
            <h2 id="new-call-title">{t('call.newTicket')}</h2>
            <div class="grid">
              <Field label={t('call.subject')} id="call-subject">
                <input id="call-subject" required value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
              </Field>
              {found.customers.length === 0 && (
                <Field label={t('call.callerName')} id="call-name">
                  <input id="call-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
                </Field>
              )}
              <EnumSelect
                id="call-stage"
                label={t('queue.stage')}
                prefix="stage"
                values={STAGES}
                value={triage.stage}
                onChange={(stage) => setTriage({ ...triage, stage })}
              />
              <EnumSelect
                id="call-priority"
                label={t('queue.priority')}
                prefix="priority"
                values={PRIORITIES}
                value={triage.priority}
                onChange={(priority) => setTriage({ ...triage, priority })}
              />
              <ChoiceSelect
                id="call-team"
                label={t('queue.team')}
                empty={t('common.none')}
                choices={session.teams}
                value={triage.team}
                onChange={(team) => setTriage({ ...triage, team })}
              />
            </div>
            <button type="submit" class="primary" disabled={busy}>
              {t('call.create')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
