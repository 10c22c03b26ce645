import { LOCALES, useI18n } from '../i18n';
import { match } from '../router';
import { EscalationQueue } from '../escalations/EscalationQueue';
import { EscalationPage } from '../escalations/EscalationPage';
import { NotificationsPage } from '../account/NotificationsPage';
import { PortalVisits } from '../visits/PortalVisits';
import { Link } from '../components/ui';

/** The vendor portal: a vendor user's queue of escalated cases and each case, at any width
 * down to a phone's. They see nothing of the business beyond what was shared with them. */
export function Portal(props: { name: string; path: string; onSignOut: () => void; notice: string }) {
  const { t, locale, setLocale } = useI18n();
  const opened = match('/vendor/:id', props.path);
  return (
    <div class="portal">
      <header class="portal-bar">
        <strong>{t('portal.title')}</strong>
        <nav aria-label={t('nav.main')}>
          <Link href="/vendor">{t('portal.cases')}</Link> · <Link href="/vendor/visits">{t('portal.visits')}</Link> ·{' '}
          <Link href="/vendor/notifications">{t('portal.notifications')}</Link>
        </nav>
        <span class="muted">{t('nav.signedInAs', { name: props.name })}</span>
        <label>
          <span class="visually-hidden">{t('nav.language')}</span>
          <select aria-label={t('nav.language')} value={locale} onChange={(e) => setLocale(e.currentTarget.value as (typeof LOCALES)[number])}>
            <option value="en">English</option>
            <option value="zh-CN">中文</option>
          </select>
        </label>
        <button type="button" class="link" onClick={props.onSignOut}>
          {t('nav.signOut')}
        </button>
      </header>
      <main class="portal-main">
        {props.notice && (
          <p role="status" class="notice">
            {props.notice}
          </p>
        )}
        {props.path === '/vendor/notifications' ? (
          <NotificationsPage vendor />
        ) : props.path === '/vendor/visits' ? (
          <PortalVisits />
        ) : opened?.id ? (
          <EscalationPage id={opened.id} back="/vendor" backLabel={t('portal.back')} staff={false} />
        ) : (
          <EscalationQueue base="/vendor" title={t('portal.queue')} />
        )}
      </main>
    </div>
  );
}
