import { useEffect, useState } from 'preact/hooks';
import { ApiError, CHANNELS, PRIORITIES, STAGES, api, ok, type Schemas } from '../api/client';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';

type Calendar = Schemas['CalendarResponse'];
type CalendarRequest = Schemas['CalendarRequest'];
type Policy = Schemas['PolicyResponse'];
type PolicyRequest = Schemas['PolicyRequest'];
type Hours = Schemas['HoursBody'];
type Exception = Schemas['ExceptionBody'];

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'UTC'];

/** "09:00-12:00, 13:00-18:00" ⇄ ranges. */
export function hoursText(hours: Hours[]): string {
  return hours.map((h) => `${h.start}-${h.end}`).join(', ');
}

/** Reads "09:00-12:00, 13:00-18:00"; `null` when a range is not `HH:MM-HH:MM`. */
export function parseHours(text: string): Hours[] | null {
  const parts = text.split(/[,，;]/).map((p) => p.trim()).filter(Boolean);
  const out: Hours[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!m) return null;
    out.push({ start: m[1]!.padStart(5, '0'), end: m[2]!.padStart(5, '0') });
  }
  return out;
}

/** One holiday per line: "2026-10-01 National Day"; a working day says "work":
 * "2026-10-10 work Working Saturday". */
export function exceptionsText(list: Exception[]): string {
  return list.map((e) => `${e.date}${e.working ? ' work' : ''} ${e.name}`).join('\n');
}

/** Reads the holiday lines; `null` with the first bad line's number when one does not read. */
export function parseExceptions(text: string): Exception[] | number {
  const out: Exception[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const m = /^(\d{4}-\d{2}-\d{2})\s+(?:(work|上班)\s+)?(.+)$/.exec(line);
    if (!m) return i + 1;
    out.push({ date: m[1]!, name: m[3]!.trim(), working: Boolean(m[2]) });
  }
  return out;
}

/** The editor of one calendar (or a new one): name, zone, weekly hours and holidays. */
function CalendarForm(props: { calendar?: Calendar; onSaved: () => void; onError: (e: ApiError) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const c = props.calendar;
  const key = c?.id ?? 'new';
  const [name, setName] = useState(c?.name ?? '');
  const [zone, setZone] = useState(c?.time_zone ?? 'Asia/Shanghai');
  const [week, setWeek] = useState<string[]>(
    c ? c.week.map(hoursText) : ['09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', '', ''],
  );
  const [holidays, setHolidays] = useState(c ? exceptionsText(c.exceptions) : '');
  const [problem, setProblem] = useState('');
  useEffect(() => {
    if (!c) return;
    setName(c.name);
    setZone(c.time_zone);
    setWeek(c.week.map(hoursText));
    setHolidays(exceptionsText(c.exceptions));
  }, [c]);
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem('');
    const days = week.map(parseHours);
    const bad = days.findIndex((d) => d === null);
    if (bad >= 0) {
      setProblem(t('sla.badHours', { day: t(`sla.day.${DAYS[bad]}` as MessageKey) }));
      return;
    }
    const exceptions = parseExceptions(holidays);
    if (typeof exceptions === 'number') {
      setProblem(t('sla.badHoliday', { line: exceptions }));
      return;
    }
    const body: CalendarRequest = { name, time_zone: zone, week: days as Hours[][], exceptions };
    try {
      if (c) {
        await ok(api.PUT('/api/v1/calendars/{id}', { params: { path: { id: c.id } }, body }));
        notify(t('common.saved'));
      } else {
        await ok(api.POST('/api/v1/calendars', { body }));
        notify(t('admin.created', { name }));
        setName('');
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!c || !file) return;
    try {
      const result = await ok(
        api.POST('/api/v1/calendars/{id}/import', { params: { path: { id: c.id } }, body: { ics: await file.text() } }),
      );
      notify(t('sla.imported', { count: result.imported, skipped: result.skipped.length }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!c) return;
    try {
      await ok(api.DELETE('/api/v1/calendars/{id}', { params: { path: { id: c.id } } }));
      notify(t('sla.removed', { name: c.name }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  return (
    <form class="panel calendar" onSubmit={save} aria-labelledby={`calendar-${key}`}>
      <h3 id={`calendar-${key}`}>{c ? c.name : t('sla.newCalendar')}</h3>
      <div class="grid">
        <Field label={t('admin.thingName')} id={`calendar-name-${key}`}>
          <input id={`calendar-name-${key}`} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('sla.zone')} id={`calendar-zone-${key}`} hint={t('sla.zoneHint')}>
          <input id={`calendar-zone-${key}`} list="time-zones" required value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset>
        <legend>{t('sla.weeklyHours')}</legend>
        <p class="muted">{t('sla.hoursHint')}</p>
        <div class="week">
          {DAYS.map((day, i) => (
            <Field key={day} label={t(`sla.day.${day}` as MessageKey)} id={`hours-${key}-${day}`}>
              <input
                id={`hours-${key}-${day}`}
                value={week[i]}
                placeholder={t('sla.closed')}
                onInput={(e) => setWeek(week.map((w, j) => (j === i ? e.currentTarget.value : w)))}
              />
            </Field>
          ))}
        </div>
      </fieldset>
      <Field label={t('sla.holidays')} id={`holidays-${key}`} hint={t('sla.holidaysHint')}>
        <textarea id={`holidays-${key}`} rows={4} value={holidays} onInput={(e) => setHolidays(e.currentTarget.value)} />
      </Field>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {c ? t('common.save') : t('common.create')}
        </button>
        {c && (
          <>
            <label class="file-button">
              {t('sla.importIcs')}
              <input type="file" accept=".ics,text/calendar" onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
            </label>
            <button type="button" class="link-button" onClick={() => void remove()} disabled={c.policies > 0}>
              {t('sla.removeCalendar')}
            </button>
          </>
        )}
      </div>
    </form>
  );
}

/** The preview of when a policy's targets fall due for a ticket opened at a chosen time. */
function Preview(props: { calendar: string; targets: [string, number | null | undefined][] }) {
  const { t, locale } = useI18n();
  const [from, setFrom] = useState(() => new Date().toISOString().slice(0, 16));
  const dues = useLoad(async () => {
    if (!props.calendar || !from) return [];
    const start = new Date(from).toISOString();
    const answers = await Promise.all(
      props.targets
        .filter(([, minutes]) => minutes && minutes > 0)
        .map(async ([target, minutes]) => {
          const due = await ok(
            api.GET('/api/v1/calendars/{id}/due', {
              params: { path: { id: props.calendar }, query: { from: start, minutes: minutes! } },
            }),
          );
          return [target, due] as const;
        }),
    );
    return answers;
  }, [props.calendar, from, JSON.stringify(props.targets)]);
  return (
    <div class="sla-preview" aria-live="polite">
      <Field label={t('sla.previewFrom')} id={`preview-${props.calendar}`}>
        <input id={`preview-${props.calendar}`} type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </Field>
      <ul>
        {(dues.value ?? []).map(([target, due]) => (
          <li key={target}>
            {t(`sla.target.${target}` as MessageKey)}: <strong>{dateTime(new Date(due.due_at), locale)}</strong>{' '}
            <span class="muted">({t('sla.calendarTime', { time: due.due_local })})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function minutesOf(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const n = Number(trimmed);
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

/** The editor of one policy (or a new one): who it covers, its targets and the preview. */
function PolicyForm(props: {
  policy?: Policy;
  calendars: Calendar[];
  onSaved: () => void;
  onError: (e: ApiError) => void;
}) {
  const { t } = useI18n();
  const { notify, teams } = useSession();
  const p = props.policy;
  const key = p?.id ?? 'new';
  const [name, setName] = useState(p?.name ?? '');
  const [calendar, setCalendar] = useState(p?.calendar_id ?? props.calendars[0]?.id ?? '');
  const [stages, setStages] = useState<string[]>(p?.scope.stages ?? []);
  const [priorities, setPriorities] = useState<string[]>(p?.scope.priorities ?? []);
  const [channels, setChannels] = useState<string[]>(p?.scope.channels ?? []);
  const [chosenTeams, setTeams] = useState<string[]>(p?.scope.teams ?? []);
  const [first, setFirst] = useState(String(p?.targets.first_response ?? ''));
  const [next, setNext] = useState(String(p?.targets.next_response ?? ''));
  const [resolution, setResolution] = useState(String(p?.targets.resolution ?? ''));
  const [callBack, setCallBack] = useState(String(p?.targets.call_back ?? ''));
  const [warn, setWarn] = useState(String(p?.warn_percent ?? 80));
  const [position, setPosition] = useState(p ? String(p.position) : '');
  const [active, setActive] = useState(p?.active ?? true);
  const [applyToOpen, setApplyToOpen] = useState(false);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    if (!calendar && props.calendars[0]) setCalendar(props.calendars[0].id);
  }, [props.calendars]);
  const targets: [string, number | null][] = [
    ['first_response', minutesOf(first)],
    ['next_response', minutesOf(next)],
    ['resolution', minutesOf(resolution)],
    ['call_back', minutesOf(callBack)],
  ];
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem('');
    if (targets.some(([, m]) => Number.isNaN(m))) {
      setProblem(t('sla.badMinutes'));
      return;
    }
    const body: PolicyRequest = {
      name,
      calendar_id: calendar,
      position: position.trim() === '' ? null : Number(position),
      scope: {
        stages: stages as Schemas['Stage'][],
        priorities: priorities as Schemas['Priority'][],
        channels: channels as Schemas['Channel'][],
        teams: chosenTeams,
      },
      targets: {
        first_response: targets[0]![1],
        next_response: targets[1]![1],
        resolution: targets[2]![1],
        call_back: targets[3]![1],
      },
      warn_percent: Number(warn),
      active,
      apply_to_open: applyToOpen,
    };
    try {
      if (p) {
        await ok(api.PUT('/api/v1/sla-policies/{id}', { params: { path: { id: p.id } }, body }));
        notify(t('common.saved'));
      } else {
        await ok(api.POST('/api/v1/sla-policies', { body }));
        notify(t('admin.created', { name }));
        setName('');
      }
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const remove = async () => {
    if (!p) return;
    try {
      await ok(api.DELETE('/api/v1/sla-policies/{id}', { params: { path: { id: p.id } } }));
      notify(t('sla.removed', { name: p.name }));
      props.onSaved();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const checks = (legend: string, all: readonly string[], label: (v: string) => string, chosen: string[], set: (v: string[]) => void) => (
    <fieldset class="inline-checks">
      <legend>{legend}</legend>
      {all.map((value) => (
        <label key={value}>
          <input
            type="checkbox"
            checked={chosen.includes(value)}
            onChange={(e) => set(e.currentTarget.checked ? [...chosen, value] : chosen.filter((c) => c !== value))}
          />
          {label(value)}
        </label>
      ))}
    </fieldset>
  );
  return (
    <form class="panel policy" onSubmit={save} aria-labelledby={`policy-${key}`}>
      <h3 id={`policy-${key}`}>
        {p ? p.name : t('sla.newPolicy')}
        {p && !p.active && <span class="badge"> {t('sla.inactive')}</span>}
      </h3>
      {p && <p class="muted">{t('sla.ticketsUnder', { count: p.tickets })}</p>}
      <div class="grid">
        <Field label={t('admin.thingName')} id={`policy-name-${key}`}>
          <input id={`policy-name-${key}`} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('sla.position')} id={`policy-position-${key}`} hint={t('sla.positionHint')}>
          <input id={`policy-position-${key}`} type="number" value={position} onInput={(e) => setPosition(e.currentTarget.value)} />
        </Field>
        <Field label={t('sla.calendar')} id={`policy-calendar-${key}`}>
          <select id={`policy-calendar-${key}`} required value={calendar} onChange={(e) => setCalendar(e.currentTarget.value)}>
            {props.calendars.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <p class="muted">{t('sla.scopeHint')}</p>
      {checks(t('queue.stage'), STAGES, (v) => t(`stage.${v}` as MessageKey), stages, setStages)}
      {checks(t('queue.priority'), PRIORITIES, (v) => t(`priority.${v}` as MessageKey), priorities, setPriorities)}
      {checks(t('queue.channel'), CHANNELS, (v) => t(`channel.${v}` as MessageKey), channels, setChannels)}
      {checks(t('queue.team'), teams.map((team) => team.id), (id) => teams.find((team) => team.id === id)?.name ?? id, chosenTeams, setTeams)}
      <fieldset>
        <legend>{t('sla.targets')}</legend>
        <p class="muted">{t('sla.minutesHint')}</p>
        <div class="grid">
          <Field label={t('sla.target.first_response')} id={`first-${key}`}>
            <input id={`first-${key}`} inputMode="numeric" value={first} onInput={(e) => setFirst(e.currentTarget.value)} />
          </Field>
          <Field label={t('sla.target.next_response')} id={`next-${key}`}>
            <input id={`next-${key}`} inputMode="numeric" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
          </Field>
          <Field label={t('sla.target.resolution')} id={`resolution-${key}`}>
            <input id={`resolution-${key}`} inputMode="numeric" value={resolution} onInput={(e) => setResolution(e.currentTarget.value)} />
          </Field>
          <Field label={t('sla.target.call_back')} id={`call-back-${key}`} hint={t('sla.callBackHint')}>
            <input id={`call-back-${key}`} inputMode="numeric" value={callBack} onInput={(e) => setCallBack(e.currentTarget.value)} />
          </Field>
          <Field label={t('sla.warnPercent')} id={`warn-${key}`}>
            <input id={`warn-${key}`} type="number" min={50} max={99} value={warn} onInput={(e) => setWarn(e.currentTarget.value)} />
          </Field>
        </div>
      </fieldset>
      <Preview calendar={calendar} targets={targets.filter(([, m]) => !Number.isNaN(m))} />
      <label class="toggle">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
        {t('sla.active')}
      </label>
      <label class="toggle">
        <input type="checkbox" checked={applyToOpen} onChange={(e) => setApplyToOpen(e.currentTarget.checked)} />
        {t('sla.applyToOpen')}
      </label>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {p ? t('common.save') : t('common.create')}
        </button>
        {p && (
          <button type="button" class="link-button" onClick={() => void remove()} disabled={p.tickets > 0}>
            {t('sla.removePolicy')}
          </button>
        )}
      </div>
    </form>
  );
}

/** Admins: business calendars and SLA policies, with a preview of due times. */
export function ServiceLevelsPage() {
  const { t } = useI18n();
  const { notify } = useSession();
  const calendars = useLoad(() => ok(api.GET('/api/v1/calendars')), []);
  const policies = useLoad(() => ok(api.GET('/api/v1/sla-policies')), []);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = () => {
    setError(null);
    calendars.reload();
    policies.reload();
  };
  const apply = async () => {
    try {
      const result = await ok(api.POST('/api/v1/sla-policies/apply'));
      notify(t('sla.applied', { tickets: result.tickets, covered: result.covered }));
      reload();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  const calendarList = calendars.value?.items ?? [];
  return (
    <div class="admin service-levels">
      <h1>{t('nav.serviceLevels')}</h1>
      <ErrorBanner error={error ?? calendars.error ?? policies.error} />
      <datalist id="time-zones">
        {ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <section aria-labelledby="policies-title">
        <h2 id="policies-title">{t('sla.policies')}</h2>
        <p class="muted">{t('sla.policiesHint')}</p>
        {policies.loading && !policies.value ? (
          <Loading />
        ) : (
          (policies.value?.items ?? []).map((policy) => (
            <PolicyForm key={policy.id} policy={policy} calendars={calendarList} onSaved={reload} onError={setError} />
          ))
        )}
        {calendarList.length > 0 ? (
          <PolicyForm calendars={calendarList} onSaved={reload} onError={setError} />
        ) : (
          <p class="muted">{t('sla.calendarFirst')}</p>
        )}
        <button type="button" onClick={() => void apply()}>
          {t('sla.applyAll')}
        </button>
      </section>
      <section aria-labelledby="calendars-title">
        <h2 id="calendars-title">{t('sla.calendars')}</h2>
        {calendars.loading && !calendars.value ? (
          <Loading />
        ) : (
          calendarList.map((calendar) => <CalendarForm key={calendar.id} calendar={calendar} onSaved={reload} onError={setError} />)
        )}
        <CalendarForm onSaved={reload} onError={setError} />
      </section>
    </div>
  );
}
