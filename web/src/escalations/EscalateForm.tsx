import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Message, type Schemas } from '../api/client';
import { dateTime } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorBanner, Field } from '../components/ui';
import { useLoad } from '../hooks';

type Preview = Schemas['EscalationPreview'];
type Request = Schemas['CreateEscalationRequest'];

/** The escalation form: pick the vendor (those covering the ticket first), write the brief,
 * choose what to share, see exactly what the vendor will see, then escalate. */
export function EscalateForm(props: {
  ticketId: string;
  messages: Message[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t, locale } = useI18n();
  const vendors = useLoad(
    () => ok(api.GET('/api/v1/vendors', { params: { query: { ticket: props.ticketId } } })),
    [props.ticketId],
  );
  const active = (vendors.value?.items ?? []).filter((v) => v.active);
  const [vendor, setVendor] = useState('');
  const chosen = active.find((v) => v.id === vendor) ?? active[0];
  const [brief, setBrief] = useState('');
  const [messages, setMessages] = useState<string[]>([]);
  const [files, setFiles] = useState<string[]>([]);
  const [contact, setContact] = useState<boolean | null>(null);
  const [orders, setOrders] = useState(false);
  const [hold, setHold] = useState(true);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const shareable = props.messages.filter((m) => m.kind !== 'event');
  const attachable = shareable.flatMap((m) => m.files ?? []);
  const shareContact = contact ?? chosen?.share_contact_by_default ?? false;

  const request = (): Request | null =>
    chosen
      ? {
          vendor: chosen.id,
          brief,
          share: { messages, files, contact: shareContact, order_numbers: orders },
          hold_ticket: hold,
        }
      : null;
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));
  const changed = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPreview(null);
  };

  const showPreview = async (event: Event) => {
    event.preventDefault();
    const body = request();
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(
        await ok(api.POST('/api/v1/tickets/{id}/escalations/preview', { params: { path: { id: props.ticketId } }, body })),
      );
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const escalate = async () => {
    const body = request();
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/api/v1/tickets/{id}/escalations', { params: { path: { id: props.ticketId } }, body }));
      props.onDone();
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="escalate-form panel" onSubmit={showPreview} aria-labelledby="escalate-title">
      <h2 id="escalate-title">{t('esc.escalate')}</h2>
      <ErrorBanner error={vendors.error ?? error} />
      <Field label={t('esc.vendor')} id="esc-vendor">
        <select id="esc-vendor" value={chosen?.id ?? ''} onChange={(e) => changed(setVendor)(e.currentTarget.value)}>
          {active.map((v) => (
            <option key={v.id} value={v.id}>
              {v.fit > 0 ? t('esc.suggested', { name: v.name }) : v.name} · {t(`vendors.kind.${v.kind}` as MessageKey)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('esc.brief')} id="esc-brief" hint={t('esc.briefHint')}>
        <textarea
          id="esc-brief"
          rows={5}
          required
          aria-describedby="esc-brief-hint"
          value={brief}
          onInput={(e) => changed(setBrief)(e.currentTarget.value)}
        />
      </Field>
      {shareable.length > 0 && (
        <fieldset>
          <legend>{t('esc.shareMessages')}</legend>
          {shareable.map((m) => (
            <label key={m.id} class="share-item">
              <input
                type="checkbox"
                checked={messages.includes(m.id)}
                onChange={(e) => changed(setMessages)(toggle(messages, m.id, e.currentTarget.checked))}
              />{' '}
              <span class="muted">
                {m.author.name} · {dateTime(new Date(m.created_at), locale)}
              </span>{' '}
              {m.body.length > 120 ? `${m.body.slice(0, 120)}…` : m.body}
            </label>
          ))}
        </fieldset>
      )}
      {attachable.length > 0 && (
        <fieldset>
          <legend>{t('esc.shareFiles')}</legend>
          {attachable.map((f) => (
            <label key={f.id} class="share-item">
              <input
                type="checkbox"
                checked={files.includes(f.id)}
                onChange={(e) => changed(setFiles)(toggle(files, f.id, e.currentTarget.checked))}
              />{' '}
              {f.name}
            </label>
          ))}
        </fieldset>
      )}
      <label class="inline-check">
        <input type="checkbox" checked={shareContact} onChange={(e) => changed(setContact)(e.currentTarget.checked)} />{' '}
        {t('esc.shareContact')}
      </label>
      <label class="inline-check">
        <input type="checkbox" checked={orders} onChange={(e) => changed(setOrders)(e.currentTarget.checked)} />{' '}
        {t('esc.shareOrders')}
      </label>
      <label class="inline-check">
        <input type="checkbox" checked={hold} onChange={(e) => setHold(e.currentTarget.checked)} /> {t('esc.hold')}
      </label>
      <div class="esc-actions">
        <button type="submit" disabled={busy || !chosen || !brief.trim()}>
          {t('esc.preview')}
        </button>
        <button type="button" class="link" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      {preview && (
        <section class="esc-preview" aria-labelledby="esc-preview-title">
          <h3 id="esc-preview-title">{t('esc.previewTitle', { vendor: preview.vendor.name })}</h3>
          <p class="muted">
            {t('esc.masked', {
              emails: preview.masked.emails,
              phones: preview.masked.phones,
              orders: preview.masked.order_numbers,
              names: preview.masked.names,
            })}
            {' · '}
            {preview.delivery === 'portal' ? t('esc.deliveryPortal') : t('esc.deliveryEmail')}
          </p>
          <p class="esc-body">
            <strong>{preview.subject}</strong>
          </p>
          <p class="esc-body esc-brief">{preview.brief}</p>
          {preview.contact && (
            <p>
              {t('esc.contact')}:{' '}
              {[preview.contact.name, preview.contact.email, preview.contact.phone].filter(Boolean).join(' · ')}
            </p>
          )}
          {preview.shared.map((s) => (
            <blockquote key={s.message} class="esc-body">
              {s.body}
            </blockquote>
          ))}
          {preview.files.length > 0 && (
            <p>
              {t('esc.files')}: {preview.files.map((f) => f.name).join(', ')}
            </p>
          )}
          <p class="muted">
            {t('esc.ackBy', { time: dateTime(new Date(preview.acknowledge_by), locale) })} ·{' '}
            {t('esc.answerBy', { time: dateTime(new Date(preview.answer_by), locale) })}
          </p>
          <button type="button" class="primary" disabled={busy} onClick={() => void escalate()}>
            {t('esc.send')}
          </button>
        </section>
      )}
    </form>
  );
}
