import { api, ok, type Schemas } from '../api/client';
import { Countdown } from '../components/Countdown';
import { dateTime } from '../format';
import { useLoad, useNow } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';

type TargetClock = Schemas['TargetClock'];

/** One target: its state and, while it runs, a live countdown to its due time. */
function TargetRow(props: { target: TargetClock; now: Date }) {
  const { t, locale } = useI18n();
  const { target } = props;
  return (
    <li class={`sla-target sla-state-${target.state}`}>
      <span class="sla-name">{t(`sla.target.${target.target}` as MessageKey)}</span>{' '}
      {target.due_at && target.state !== 'met' ? (
        <Countdown due={target.due_at} now={props.now} />
      ) : (
        <span class="badge">{t(`sla.state.${target.state}` as MessageKey)}</span>
      )}
      {target.due_at && (
        <span class="muted sla-due"> · {t('sla.dueAt', { time: dateTime(new Date(target.due_at), locale) })}</span>
      )}
    </li>
  );
}

/** The ticket's service-level clock (agents): each target's countdown, a pause, and while the
 * ticket is on hold, the vendors' own due times beside it. */
export function SlaPanel(props: { ticketId: string; revision: string }) {
  const { t, locale } = useI18n();
  const now = useNow(1000);
  const clock = useLoad(
    () => ok(api.GET('/api/v1/tickets/{id}/sla', { params: { path: { id: props.ticketId } } })),
    [props.ticketId, props.revision],
  );
  const value = clock.value;
  if (!value?.policy_name) return null;
  return (
    <section class="panel sla-panel" aria-labelledby="sla-title">
      <h2 id="sla-title">{t('sla.title')}</h2>
      <p class="muted">
        {value.policy_name} · {value.calendar_name}
      </p>
      <ul class="sla-targets">
        {value.targets.map((target) => (
          <TargetRow key={target.target} target={target} now={now} />
        ))}
      </ul>
      {value.paused_since && (
        <p class="muted">{t('sla.pausedSince', { time: dateTime(new Date(value.paused_since), locale) })}</p>
      )}
      {value.vendors.length > 0 && (
        <div class="sla-vendors">
          <p>{t('sla.onHold')}</p>
          <ul>
            {value.vendors.map((vendor, i) => (
              <li key={i}>
                {vendor.vendor}: {vendor.due_at ? <Countdown due={vendor.due_at} now={now} /> : t('sla.noVendorDue')}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
