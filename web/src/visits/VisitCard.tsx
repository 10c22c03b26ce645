import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { type MessageKey, useI18n } from '../i18n';
import { dateTime } from '../format';
import { ErrorBanner, Field } from '../components/ui';

export type Visit = Schemas['VisitResponse'];
export type VisitStatus = Schemas['VisitStatus'];

/** A visit's status as a badge. */
export function VisitBadge(props: { status: VisitStatus }) {
  const { t } = useI18n();
  return <span class={`badge visit-${props.status}`}>{t(`visit.status.${props.status}` as MessageKey)}</span>;
}

/** The window of a visit: its day and hours. */
export function VisitWindow(props: { visit: Visit }) {
  const { locale } = useI18n();
  return (
    <span>
      {dateTime(new Date(props.visit.start), locale)} – {dateTime(new Date(props.visit.end), locale)}
    </span>
  );
}

/** The form the technician records the end of a visit with. */
function OutcomeForm(props: { visit: Visit; status: 'done' | 'no_show'; onSaved: (v: Visit) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [work, setWork] = useState('');
  const [parts, setParts] = useState('');
  const [signedBy, setSignedBy] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const id = props.visit.id;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body = { status: props.status, outcome: { work, parts: parts || null, signed_by: signedBy || null } };
      props.onSaved(await ok(api.PATCH('/api/v1/visits/{id}', { params: { path: { id } }, body })));
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <form class="visit-outcome" onSubmit={save}>
      <ErrorBanner error={error} />
      <Field label={props.status === 'done' ? t('visit.work') : t('visit.noShowWhat')} id={`work-${id}`}>
        <textarea id={`work-${id}`} required rows={3} value={work} onInput={(e) => setWork(e.currentTarget.value)} />
      </Field>
      {props.status === 'done' && (
        <>
          <Field label={t('visit.parts')} id={`parts-${id}`}>
            <input id={`parts-${id}`} value={parts} onInput={(e) => setParts(e.currentTarget.value)} />
          </Field>
          <Field label={t('visit.signedBy')} id={`signed-${id}`}>
            <input id={`signed-${id}`} autocomplete="off" value={signedBy} onInput={(e) => setSignedBy(e.currentTarget.value)} />
          </Field>
        </>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          {t('visit.record')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** `datetime-local` text for a date (the browser's local time). */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The form an agent moves a visit to another time with. */
function MoveForm(props: { visit: Visit; onSaved: (v: Visit) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const v = props.visit;
  const [start, setStart] = useState(localInput(new Date(v.start)));
  const [hours, setHours] = useState(Math.max(1, Math.round((Date.parse(v.end) - Date.parse(v.start)) / 3600000)));
  const [error, setError] = useState<ApiError | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const begins = new Date(start);
    const ends = new Date(begins.getTime() + hours * 3600 * 1000);
    try {
      props.onSaved(
        await ok(api.PATCH('/api/v1/visits/{id}', { params: { path: { id: v.id } }, body: { start: begins.toISOString(), end: ends.toISOString() } })),
      );
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <form class="visit-outcome" onSubmit={save}>
      <ErrorBanner error={error} />
      <Field label={t('visit.starts')} id={`move-start-${v.id}`}>
        <input id={`move-start-${v.id}`} type="datetime-local" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
      </Field>
      <Field label={t('visit.hours')} id={`move-hours-${v.id}`}>
        <input id={`move-hours-${v.id}`} type="number" min={1} max={12} required value={hours} onInput={(e) => setHours(Number(e.currentTarget.value))} />
      </Field>
      <div class="actions">
        <button type="submit" class="primary">
          {t('visit.moveTime')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One visit: when, where, who, what, how it ended, and the steps the reader may take. */
export function VisitCard(props: { visit: Visit; onChanged: (v: Visit) => void }) {
  const { t, locale } = useI18n();
  const v = props.visit;
  const [ending, setEnding] = useState<'done' | 'no_show' | null>(null);
  const [moving, setMoving] = useState(false);
  const movable = v.ticket != null && (v.status === 'proposed' || v.status === 'confirmed');
  const [error, setError] = useState<ApiError | null>(null);
  const move = async (status: VisitStatus) => {
    if (status === 'done' || status === 'no_show') {
      setEnding(status);
      return;
    }
    setError(null);
    try {
      props.onChanged(await ok(api.PATCH('/api/v1/visits/{id}', { params: { path: { id: v.id } }, body: { status } })));
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <article class="visit" data-status={v.status} aria-label={t('visit.label', { who: v.technician.name })}>
      <header>
        <strong>{v.technician.name}</strong> <VisitBadge status={v.status} />
      </header>
      <dl>
        <dt>{t('visit.when')}</dt>
        <dd>
          <VisitWindow visit={v} />
        </dd>
        <dt>{t('visit.where')}</dt>
        <dd class="pre">{v.address}</dd>
        <dt>{t('visit.what')}</dt>
        <dd class="pre">{v.task}</dd>
        {v.ticket && (
          <>
            <dt>{t('visit.ticket')}</dt>
            <dd>
              <a href={`/tickets/${v.ticket.number}`}>
                #{v.ticket.number} {v.ticket.subject}
              </a>
            </dd>
          </>
        )}
        {v.outcome && (
          <>
            <dt>{t('visit.outcome')}</dt>
            <dd class="pre">
              {v.outcome.work}
              {v.outcome.parts && `\n${t('visit.parts')}: ${v.outcome.parts}`}
              {v.outcome.signed_by && `\n${t('visit.signedBy')}: ${v.outcome.signed_by}`}
              {`\n— ${v.outcome.recorded_by}, ${dateTime(new Date(v.outcome.recorded_at), locale)}`}
            </dd>
          </>
        )}
      </dl>
      <ErrorBanner error={error} />
      {moving ? (
        <MoveForm
          visit={v}
          onCancel={() => setMoving(false)}
          onSaved={(saved) => {
            setMoving(false);
            props.onChanged(saved);
          }}
        />
      ) : ending ? (
        <OutcomeForm
          visit={v}
          status={ending}
          onCancel={() => setEnding(null)}
          onSaved={(saved) => {
            setEnding(null);
            props.onChanged(saved);
          }}
        />
      ) : (
        (v.moves.length > 0 || movable) && (
          <div class="actions">
            {v.moves.map((status) => (
              <button type="button" key={status} onClick={() => void move(status)}>
                {t(`visit.move.${status}` as MessageKey)}
              </button>
            ))}
            {movable && (
              <button type="button" onClick={() => setMoving(true)}>
                {t('visit.anotherTime')}
              </button>
            )}
          </div>
        )
      )}
    </article>
  );
}
