/** Mail templates for admins: pick a mail and a language, edit its subject, text and HTML,
 * preview it with sample values (the HTML in a sandboxed frame served under its own policy),
 * save (the server refuses a template that does not render) or go back to Kefu's own. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { Field, Loading } from '../components/ui';

type Template = Schemas['MailTemplateResponse'];
type Draft = Schemas['MailTemplateRequest'];
type Preview = Schemas['MailTemplatePreview'];

const KINDS = [
  'reply',
  'acknowledgement',
  'oversized',
  'assigned',
  'customer_replied',
  'password_reset',
  'vendor_update',
  'escalation_new',
  'escalation_reply',
  'escalation_mail',
  'escalation_mail_reply',
  'escalation_reminder',
  'visit',
] as const;
const LANGUAGES = ['en', 'zh-CN'] as const;

/** The longest encoded draft the preview frame takes (the server's limit). */
const MAX_FRAME_DRAFT = 24 * 1024;

/** A draft as the preview frame's `draft` query: JSON, UTF-8, base64url without padding. */
function encodeDraft(draft: Draft): string {
  const bytes = new TextEncoder().encode(JSON.stringify(draft));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function draftOf(template: Template): Draft {
  return { subject: template.subject, text: template.text, html: template.html };
}

export function MailTemplates(props: { onError: (e: ApiError | null) => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const all = useLoad(() => ok(api.GET('/api/v1/mail/templates')), []);
  const [kind, setKind] = useState<string>('acknowledgement');
  const [language, setLanguage] = useState<string>('en');
  const current = all.value?.find((x) => x.kind === kind && x.locale === language) ?? null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [preview, setPreview] = useState<{ shown: Preview; frame: string | null } | null>(null);

  useEffect(() => {
    setDraft(current ? draftOf(current) : null);
    setPreview(null);
  }, [current]);

  if (!all.value || !draft || !current) return <Loading />;
  const path = { kind: kind as Template['kind'], locale: language };

  const show = async () => {
    props.onError(null);
    try {
      const shown = await ok(api.POST('/api/v1/mail/templates/{kind}/{locale}/preview', { params: { path }, body: draft }));
      const encoded = encodeDraft(draft);
      const frame =
        encoded.length <= MAX_FRAME_DRAFT
          ? `/api/v1/mail/templates/${encodeURIComponent(kind)}/${encodeURIComponent(language)}/preview.html?draft=${encoded}`
          : null;
      setPreview({ shown, frame });
    } catch (cause) {
      setPreview(null);
      props.onError(cause as ApiError);
    }
  };
  const save = async (event: Event) => {
    event.preventDefault();
    props.onError(null);
    try {
      await ok(api.PUT('/api/v1/mail/templates/{kind}/{locale}', { params: { path }, body: draft }));
      notify(t('common.saved'));
      all.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const reset = async () => {
    if (!window.confirm(t('mail.template.resetConfirm'))) return;
    props.onError(null);
    try {
      await ok(api.DELETE('/api/v1/mail/templates/{kind}/{locale}', { params: { path } }));
      all.reload();
    } catch (cause) {
      props.onError(cause as ApiError);
    }
  };
  const set = (change: Partial<Draft>) => setDraft({ ...draft, ...change });

  return (
    <section aria-labelledby="templates-title">
      <h2 id="templates-title">{t('mail.templates')}</h2>
      <p class="muted">{t('mail.templatesHint')}</p>
      <form class="panel" onSubmit={save} aria-label={t('mail.templates')}>
        <div class="grid">
          <Field label={t('mail.template.kind')} id="template-kind">
            <select id="template-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`mail.template.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('mail.template.language')} id="template-language">
            <select id="template-language" value={language} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l === 'en' ? 'English' : '简体中文'}
                </option>
              ))}
            </select>
          </Field>
          <p class="muted" role="status">
            {current.customized ? t('mail.template.customized') : t('mail.template.shipped')}
          </p>
        </div>
        <p class="muted">
          {t('mail.template.variables', { list: current.variables.map((v) => `{{ ${v} }}`).join(', ') })}
        </p>
        <Field label={t('mail.template.subject')} id="template-subject">
          <input id="template-subject" required value={draft.subject} onInput={(e) => set({ subject: e.currentTarget.value })} />
        </Field>
        <Field label={t('mail.template.text')} id="template-text">
          <textarea id="template-text" class="code" rows={10} required value={draft.text} onInput={(e) => set({ text: e.currentTarget.value })} />
        </Field>
        <Field label={t('mail.template.html')} id="template-html">
          <textarea id="template-html" class="code" rows={10} value={draft.html} onInput={(e) => set({ html: e.currentTarget.value })} />
        </Field>
        <div class="actions">
          <button type="button" onClick={() => void show()}>
            {t('mail.template.preview')}
          </button>
          <button type="submit" class="primary">
            {t('common.save')}
          </button>
          {current.customized && (
            <button type="button" onClick={() => void reset()}>
              {t('mail.template.reset')}
            </button>
          )}
        </div>
        {preview && (
          <div class="template-preview" aria-label={t('mail.template.previewTitle')} role="region">
            <h3>{t('mail.template.previewTitle')}</h3>
            <p class="preview-subject">{preview.shown.subject}</p>
            <pre class="preview-text">{preview.shown.text}</pre>
            {preview.frame ? (
              <iframe class="email-frame" sandbox="" title={t('mail.template.previewTitle')} src={preview.frame} referrerpolicy="no-referrer" />
            ) : (
              <p class="muted">{t('mail.template.tooLarge')}</p>
            )}
          </div>
        )}
      </form>
    </section>
  );
}
