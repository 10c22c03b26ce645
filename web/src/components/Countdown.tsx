import { span } from '../format';
import { useI18n } from '../i18n';

/** How close a due time is: past it, within the hour, or further. */
export function urgency(due: Date, now: Date): 'breached' | 'soon' | 'later' {
  const left = due.getTime() - now.getTime();
  if (left <= 0) return 'breached';
  return left < 3600_000 ? 'soon' : 'later';
}

/** A live countdown to a service-level due time: "2 h 05 min left", "overdue 12 min 30 s". */
export function Countdown(props: { due: string; now: Date }) {
  const { t, locale } = useI18n();
  const due = new Date(props.due);
  const seconds = (due.getTime() - props.now.getTime()) / 1000;
  const words = { days: t('span.days'), hours: t('span.hours'), minutes: t('span.minutes') };
  const state = urgency(due, props.now);
  return (
    <time class={`countdown sla-${state}`} dateTime={props.due} title={due.toLocaleString(locale)}>
      {state === 'breached'
        ? t('sla.overdue', { time: span(-seconds, words) })
        : t('sla.left', { time: span(seconds, words) })}
    </time>
  );
}
