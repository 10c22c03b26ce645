import { type Schemas } from '../api/client';
import { parseDuration } from '../format';
import { useI18n } from '../i18n';
import { EnumSelect, Field } from '../components/ui';

const OUR_NUMBER_KEY = 'kefu.ourNumber';

/** A call as the agent types it. */
export interface CallForm {
  direction: Schemas['CallDirection'];
  ourNumber: string;
  duration: string;
  outcome: Schemas['CallOutcome'];
  notes: string;
}

/** The line of the first of the agent's teams that has one, as people read it. */
export function teamLine(teams: Schemas['TeamResponse'][], user: string): string | null {
  const team = teams.find((t) => t.phone_line_display && t.members.some((m) => m.id === user));
  return team?.phone_line_display ?? null;
}

/** A blank call on the agent's team's line (or the line they typed last time). */
export function emptyCall(line: string | null = null): CallForm {
  return {
    direction: 'inbound',
    ourNumber: line ?? localStorage.getItem(OUR_NUMBER_KEY) ?? '',
    duration: '',
    outcome: 'answered',
    notes: '',
  };
}

/** The API body for a call with `customerNumber`: inbound calls come from the customer. */
export function callBody(call: CallForm, customerNumber: string): Schemas['CallInput'] {
  localStorage.setItem(OUR_NUMBER_KEY, call.ourNumber);
  const inbound = call.direction === 'inbound';
  return {
    direction: call.direction,
    from: inbound ? customerNumber : call.ourNumber,
    to: inbound ? call.ourNumber : customerNumber,
    duration_seconds: call.outcome === 'missed' ? 0 : (parseDuration(call.duration) ?? 0),
    outcome: call.outcome,
    notes: call.notes || null,
  };
}

const OUTCOMES: Schemas['CallOutcome'][] = ['answered', 'missed', 'voicemail', 'callback_requested'];
const DIRECTIONS: Schemas['CallDirection'][] = ['inbound', 'outbound'];

/** The call's details: direction, our line, duration, outcome and notes. */
export function CallFields(props: { value: CallForm; onChange: (value: CallForm) => void; customerNumber: string }) {
  const { t } = useI18n();
  const { value } = props;
  const set = (patch: Partial<CallForm>) => props.onChange({ ...value, ...patch });
  const badDuration = value.duration !== '' && parseDuration(value.duration) === null;
  return (
    <fieldset class="call-fields">
      <legend>{t('call.details')}</legend>
      <div class="grid">
        <EnumSelect
          id="call-direction"
          label={t('call.direction')}
          prefix="direction"
          values={DIRECTIONS}
          value={value.direction}
          onChange={(direction) => set({ direction })}
        />
        <Field label={t('call.ourNumber')} id="call-our-number">
          <input id="call-our-number" type="tel" required value={value.ourNumber} onInput={(e) => set({ ourNumber: e.currentTarget.value })} />
        </Field>
        <Field label={t('call.duration')} id="call-duration" hint={badDuration ? t('call.badDuration') : undefined}>
          <input
            id="call-duration"
            inputMode="numeric"
            placeholder="3:25"
            value={value.duration}
            aria-invalid={badDuration}
            aria-describedby={badDuration ? 'call-duration-hint' : undefined}
            onInput={(e) => set({ duration: e.currentTarget.value })}
          />
        </Field>
        <EnumSelect
          id="call-outcome"
          label={t('call.outcome')}
          prefix="outcome"
          values={OUTCOMES}
          value={value.outcome}
          onChange={(outcome) => set({ outcome })}
        />
      </div>
      <Field label={t('call.notes')} id="call-notes">
        <textarea id="call-notes" rows={3} value={value.notes} onInput={(e) => set({ notes: e.currentTarget.value })} />
      </Field>
    </fieldset>
  );
}
