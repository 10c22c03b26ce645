import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';
import { ErrorBanner, Field, Loading } from '../components/ui';
import { VendorSystems } from './VendorSystems';

type Vendor = Schemas['VendorResponse'];
type VendorKind = Schemas['VendorKind'];
const KINDS: VendorKind[] = ['isv', 'oem', 'supplier', 'logistics', 'service_partner'];
const list = (typed: string) =>
  typed
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

interface Draft {
  name: string;
  kind: VendorKind;
  contacts: string;
  coverage: string;
  ack: number;
  answer: number;
  share: boolean;
  active: boolean;
}

const draftOf = (v?: Vendor): Draft => ({
  name: v?.name ?? '',
  kind: v?.kind ?? 'oem',
  contacts: v?.contacts.join(', ') ?? '',
  coverage: v?.coverage.join(', ') ?? '',
  ack: v?.targets.acknowledge_minutes ?? 480,
  answer: v?.targets.answer_minutes ?? 4320,
  share: v?.share_contact_by_default ?? false,
  active: v?.active ?? true,
});

/** The fields of a vendor, for adding one or changing it. */
function VendorForm(props: { vendor?: Vendor; onSaved: () => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const [draft, setDraft] = useState<Draft>(draftOf(props.vendor));
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setDraft(draftOf(props.vendor)), [props.vendor]);
  const key = props.vendor?.id ?? 'new';
  const set = <K extends keyof Draft>(name: K) => (value: Draft[K]) => setDraft({ ...draft, [name]: value });
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const body = {
      name: draft.name,
      kind: draft.kind,
      contacts: list(draft.contacts),
      coverage: list(draft.coverage),
      targets: { acknowledge_minutes: draft.ack, answer_minutes: draft.answer },
      share_contact_by_default: draft.share,
    };
    try {
      if (props.vendor) {
        await ok(
          api.PATCH('/api/v1/vendors/{id}', {
            params: { path: { id: props.vendor.id } },
            body: { ...body, active: draft.active },
          }),
        );
      } else {
        await ok(api.POST('/api/v1/vendors', { body }));
        setDraft(draftOf());
      }
      notify(t('common.saved'));
      props.onSaved();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <form onSubmit={save} class="vendor-form">
      <ErrorBanner error={error} />
      <div class="grid">
        <Field label={t('vendors.name')} id={`vendor-name-${key}`}>
          <input id={`vendor-name-${key}`} required value={draft.name} onInput={(e) => set('name')(e.currentTarget.value)} />
        </Field>
        <Field label={t('vendors.kind')} id={`vendor-kind-${key}`}>
          <select id={`vendor-kind-${key}`} value={draft.kind} onChange={(e) => set('kind')(e.currentTarget.value as VendorKind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`vendors.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('vendors.contacts')} id={`vendor-contacts-${key}`} hint={t('vendors.contactsHint')}>
          <input
            id={`vendor-contacts-${key}`}
            aria-describedby={`vendor-contacts-${key}-hint`}
            value={draft.contacts}
            onInput={(e) => set('contacts')(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('vendors.coverage')} id={`vendor-coverage-${key}`} hint={t('vendors.coverageHint')}>
          <input
            id={`vendor-coverage-${key}`}
            aria-describedby={`vendor-coverage-${key}-hint`}
            value={draft.coverage}
            onInput={(e) => set('coverage')(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('vendors.ackMinutes')} id={`vendor-ack-${key}`}>
          <input id={`vendor-ack-${key}`} type="number" min={1} value={draft.ack} onInput={(e) => set('ack')(Number(e.currentTarget.value))} />
        </Field>
        <Field label={t('vendors.answerMinutes')} id={`vendor-answer-${key}`}>
          <input
            id={`vendor-answer-${key}`}
            type="number"
            min={1}
            value={draft.answer}
            onInput={(e) => set('answer')(Number(e.currentTarget.value))}
          />
        </Field>
      </div>
      <label class="inline-check">
        <input type="checkbox" checked={draft.share} onChange={(e) => set('share')(e.currentTarget.checked)} /> {t('vendors.shareDefault')}
      </label>
      {props.vendor && (
        <label class="inline-check">
          <input type="checkbox" checked={draft.active} onChange={(e) => set('active')(e.currentTarget.checked)} /> {t('vendors.active')}
        </label>
      )}
      <button type="submit" class="primary">
        {props.vendor ? t('common.save') : t('vendors.add')}
      </button>
    </form>
  );
}

/** A vendor's portal users, and adding one. */
function PortalUsers(props: { vendor: Vendor; onChanged: () => void }) {
  const { t } = useI18n();
  const { notify } = useSession();
  const users = useLoad(
    () => ok(api.GET('/api/v1/vendors/{id}/users', { params: { path: { id: props.vendor.id } } })),
    [props.vendor.id],
  );
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const key = props.vendor.id;
  const add = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await ok(api.POST('/api/v1/users', { body: { name, email, password, role: 'vendor', vendor: props.vendor.id } }));
      setName('');
      setEmail('');
      setPassword('');
      notify(t('common.saved'));
      users.reload();
      props.onChanged();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  return (
    <div class="vendor-users">
      <h3>{t('vendors.portalUsers')}</h3>
      {users.value && users.value.items.length === 0 && <p class="muted">{t('vendors.noUsers')}</p>}
      <ul>
        {users.value?.items.map((u) => (
          <li key={u.id}>
            {u.name} · {u.email}
          </li>
        ))}
      </ul>
      <form onSubmit={add} class="grid">
        <ErrorBanner error={error} />
        <Field label={t('vendors.userName')} id={`vu-name-${key}`}>
          <input id={`vu-name-${key}`} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('vendors.userEmail')} id={`vu-email-${key}`}>
          <input id={`vu-email-${key}`} type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field label={t('vendors.userPassword')} id={`vu-password-${key}`}>
          <input
            id={`vu-password-${key}`}
            type="password"
            autocomplete="new-password"
            minLength={8}
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('vendors.addUser')}</button>
      </form>
    </div>
  );
}

/** Admins manage the vendors cases are escalated to, and their portal users. */
export function VendorsPage() {
  const { t } = useI18n();
  const vendors = useLoad(() => ok(api.GET('/api/v1/vendors', { params: { query: {} } })), []);
  return (
    <div class="admin-page">
      <h1>{t('vendors.title')}</h1>
      <ErrorBanner error={vendors.error} onRetry={vendors.reload} />
      <section class="panel" aria-labelledby="vendor-new">
        <h2 id="vendor-new">{t('vendors.add')}</h2>
        <VendorForm onSaved={vendors.reload} />
      </section>
      {!vendors.value ? (
        <Loading />
      ) : vendors.value.items.length === 0 ? (
        <p class="empty">{t('vendors.none')}</p>
      ) : (
        vendors.value.items.map((v) => (
          <section key={v.id} class="panel vendor" aria-labelledby={`vendor-${v.id}`}>
            <h2 id={`vendor-${v.id}`}>
              {v.name} <span class="muted">{t(`vendors.kind.${v.kind}` as MessageKey)}</span>
            </h2>
            <VendorForm vendor={v} onSaved={vendors.reload} />
            <PortalUsers vendor={v} onChanged={vendors.reload} />
            <VendorSystems vendor={v} />
          </section>
        ))
      )}
    </div>
  );
}
