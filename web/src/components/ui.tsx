import type { ComponentChildren } from 'preact';
import type { ApiError, Channel, Priority, Status } from '../api/client';
import { type MessageKey, useI18n } from '../i18n';
import { describeError } from '../errors';
import { onLinkClick } from '../router';

/** An in-console link. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' | undefined }) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(e) => onLinkClick(e, props.href)}
    >
      {props.children}
    </a>
  );
}

/** A visible error with the API's message; never silent. */
export function ErrorBanner(props: { error: ApiError | null; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!props.error) return null;
  return (
    <div class="banner banner-error" role="alert">
      <strong>{t('common.error')}:</strong> {describeError(props.error, t)}
      {props.onRetry && (
        <button type="button" class="link-button" onClick={props.onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** A loading indicator for a region. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** Small line icons (24×24 paths), drawn inline so they need no font or request. */
const ICONS = {
  chat: 'M4 5h16v10H8l-4 4z',
  email: 'M3 6h18v12H3zM3 6l9 7 9-7',
  phone: 'M6 3h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z',
  web: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18',
  api: 'M8 7l-5 5 5 5M16 7l5 5-5 5M14 4l-4 16',
  paperclip: 'M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7',
} as const;

/** An inline icon; `label` names it for screen readers, or it is decoration. */
export function Icon(props: { name: keyof typeof ICONS; label?: string }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linejoin="round"
      stroke-linecap="round"
      role={props.label ? 'img' : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : 'true'}
    >
      <path d={ICONS[props.name]} />
    </svg>
  );
}

/** The channel a ticket came by, as an icon with its name for screen readers. */
export function ChannelIcon(props: { channel: Channel }) {
  const { t } = useI18n();
  const label = t(`channel.${props.channel}`);
  return (
    <span class="channel" title={label}>
      <Icon name={props.channel} label={label} />
    </span>
  );
}

export function StatusBadge(props: { status: Status }) {
  const { t } = useI18n();
  return <span class={`badge status-${props.status}`}>{t(`status.${props.status}`)}</span>;
}

export function PriorityLabel(props: { priority: Priority }) {
  const { t } = useI18n();
  return <span class={`priority priority-${props.priority}`}>{t(`priority.${props.priority}`)}</span>;
}

/** A labelled form field. */
export function Field(props: { label: string; id: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <small id={`${props.id}-hint`}>{props.hint}</small>}
    </div>
  );
}

/** A labelled select over one of the API's enumerations, with translated option names. */
export function EnumSelect<T extends string>(props: {
  id: string;
  label: string;
  prefix: 'status' | 'stage' | 'channel' | 'priority' | 'role' | 'direction' | 'outcome';
  values: readonly T[];
  value: T;
  onChange: (value: T) => void;
}) {
  const { t } = useI18n();
  return (
    <Field label={props.label} id={props.id}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as T)}>
        {props.values.map((value) => (
          <option key={value} value={value}>
            {t(`${props.prefix}.${value}` as MessageKey)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled select of named things (teams, agents) with an empty choice first. */
export function ChoiceSelect(props: {
  id: string;
  label: string;
  empty: string;
  choices: { id: string; name: string }[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <Field label={props.label} id={props.id}>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">{props.empty}</option>
        {props.choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Checkboxes over a fixed set of values. */
export function Checks(props: {
  legend: string;
  all: readonly { value: string; label: string }[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <fieldset class="inline-checks">
      <legend>{props.legend}</legend>
      {props.all.map(({ value, label }) => (
        <label key={value}>
          <input
            type="checkbox"
            checked={props.chosen.includes(value)}
            onChange={(e) =>
              props.onChange(e.currentTarget.checked ? [...props.chosen, value] : props.chosen.filter((c) => c !== value))
            }
          />
          {label}
        </label>
      ))}
    </fieldset>
  );
}
