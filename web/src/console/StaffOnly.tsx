import { useI18n } from '../i18n';

/** What a customer or vendor who signs in here sees: this console is for the business's staff. */
export function StaffOnly(props: { name: string; onSignOut: () => void }) {
  const { t } = useI18n();
  return (
    <main class="login">
      <section class="card" aria-labelledby="staff-only-title">
        <div class="login-brand" aria-hidden="true">
          客
        </div>
        <h1 id="staff-only-title">{t('staffOnly.title')}</h1>
        <p>{t('staffOnly.body', { name: props.name })}</p>
        <button type="button" class="primary" onClick={props.onSignOut}>
          {t('nav.signOut')}
        </button>
      </section>
    </main>
  );
}
