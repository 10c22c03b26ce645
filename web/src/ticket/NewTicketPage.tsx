import { useState } from 'preact/hooks';
import { ApiError, CHANNELS, PRIORITIES, STAGES, api, ok, type Schemas } from '../api/client';
import { parseDuration } from '../format';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { useSession } from '../session';
import { ChoiceSelect, EnumSelect, ErrorBanner, Field } from '../components/ui';
import { CallFields, type CallForm, callBody, emptyCall, teamLine } from '../calls/CallFields';

/** A new ticket on any channel; a phone ticket carries its call. */
export function NewTicketPage() {
  const { t } = useI18n();
  const { staff, teams, user } = useSession();
  const [form, setForm] = useState({
    subject: '',
    channel: 'email' as Schemas['Channel'],
    stage: 'pre_sale' as Schemas['Stage'],
    priority: 'normal' as Schemas['Priority'],
    team: '',
    assignee: '',
    tags: '',
    name: '',
    email: '',
    phone: '',
    body: '',
    author: 'customer' as 'customer' | 'agent',
  });
  const [call, setCall] = useState<CallForm>(emptyCall(teamLine(teams, user.id)));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const phone = form.channel === 'phone';
    if (phone && parseDuration(call.duration) === null) {
      setError(new ApiError(0, 'invalid_duration', t('call.badDuration')));
      return;
    }
    setBusy(true);
    try {
      const created = await ok(
        api.POST('/api/v1/tickets', {
          body: {
            subject: form.subject,
            channel: form.channel,
            stage: form.stage,
            priority: form.priority,
            team_id: form.team || null,
            assignee_id: form.assignee || null,
            tags: form.tags.split(/[,，]/).map((tag) => tag.trim()).filter(Boolean),
            requester:
              form.email || form.phone || form.name
                ? { name: form.name || null, email: form.email || null, phone: form.phone || null }
                : null,
            message: form.body.trim() ? { body: form.body, author: form.author } : null,
            call: phone ? callBody(call, form.phone) : null,
          },
        }),
      );
      navigate(`/tickets/${created.number}`);
    } catch (cause) {
      setError(cause as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="page-form" onSubmit={submit} aria-labelledby="new-title">
      <h1 id="new-title">{t('new.title')}</h1>
      <ErrorBanner error={error} />
      <div class="grid">
        <Field label={t('new.subject')} id="new-subject">
          <input id="new-subject" required value={form.subject} onInput={(e) => set({ subject: e.currentTarget.value })} />
        </Field>
        <EnumSelect id="new-channel" label={t('new.channel')} prefix="channel" values={CHANNELS} value={form.channel} onChange={(channel) => set({ channel })} />
        <EnumSelect id="new-stage" label={t('queue.stage')} prefix="stage" values={STAGES} value={form.stage} onChange={(stage) => set({ stage })} />
        <EnumSelect id="new-priority" label={t('queue.priority')} prefix="priority" values={PRIORITIES} value={form.priority} onChange={(priority) => set({ priority })} />
        <ChoiceSelect id="new-team" label={t('queue.team')} empty={t('common.none')} choices={teams} value={form.team} onChange={(team) => set({ team })} />
        <ChoiceSelect id="new-assignee" label={t('queue.assignee')} empty={t('queue.unassigned')} choices={staff} value={form.assignee} onChange={(assignee) => set({ assignee })} />
        <Field label={t('new.requesterName')} id="new-name">
          <input id="new-name" value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </Field>
        <Field label={t('new.requesterEmail')} id="new-email">
          <input id="new-email" type="email" value={form.email} onInput={(e) => set({ email: e.currentTarget.value })} />
        </Field>
        <Field label={t('new.requesterPhone')} id="new-phone">
          <input id="new-phone" type="tel" value={form.phone} onInput={(e) => set({ phone: e.currentTarget.value })} />
        </Field>
        <Field label={t('ticket.tags')} id="new-tags" hint={t('ticket.tagsHelp')}>
          <input id="new-tags" value={form.tags} aria-describedby="new-tags-hint" onInput={(e) => set({ tags: e.currentTarget.value })} />
        </Field>
      </div>
      {form.channel === 'phone' && <CallFields value={call} onChange={setCall} customerNumber={form.phone} />}
      <Field label={t('new.message')} id="new-body">
        <textarea id="new-body" rows={5} value={form.body} onInput={(e) => set({ body: e.currentTarget.value })} />
      </Field>
      <fieldset class="inline">
        <legend>{t('new.messageAuthor')}</legend>
        <label>
          <input type="radio" name="author" checked={form.author === 'customer'} onChange={() => set({ author: 'customer' })} />
          {t('new.fromCustomer')}
        </label>
        <label>
          <input type="radio" name="author" checked={form.author === 'agent'} onChange={() => set({ author: 'agent' })} />
          {t('new.fromAgent')}
        </label>
      </fieldset>
      <button type="submit" class="primary" disabled={busy}>
        {t('new.create')}
      </button>
    </form>
  );
}
