import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useShortcuts } from '../hooks';
import { LOCALES, type Locale, useI18n } from '../i18n';
import { navigate, usePlace } from '../router';
import { useSession } from '../session';
import { Link } from '../components/ui';
import { ShortcutsHelp } from '../components/ShortcutsHelp';
import { ChatDock } from '../livechat/ChatDock';
import { ScreenPop } from '../livechat/ScreenPop';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** The console's frame: header with navigation, language and account, then the page. */
export function Layout(props: { children: ComponentChildren; notice: string; onDismissNotice: () => void }) {
  const { t, locale, setLocale } = useI18n();
  const session = useSession();
  const place = usePlace();
  const [help, setHelp] = useState(false);
  useShortcuts(
    (event) => {
      if (event.key === '?') {
        event.preventDefault();
        setHelp(true);
      } else if (event.key === 'Escape') {
        setHelp(false);
      } else if (event.key === 'g') {
        navigate('/queue');
      }
    },
  );
  const links: [string, string][] = [
    ['/queue', t('nav.queue')],
    ['/tickets/new', t('nav.newTicket')],
    ['/calls', t('nav.logCall')],
    ['/escalations', t('nav.escalations')],
    ['/visits', t('nav.visits')],
    ['/macros', t('nav.macros')],
    ['/reports', t('nav.reports')],
    ['/settings/tokens', t('nav.tokens')],
    ['/settings/notifications', t('nav.notifications')],
  ];
  if (session.user.role === 'admin') {
    links.push(
      ['/admin/users', t('nav.users')],
      ['/admin/teams', t('nav.teams')],
      ['/admin/vendors', t('nav.vendors')],
      ['/admin/chat', t('nav.chat')],
      ['/admin/mail', t('nav.mail')],
      ['/admin/service-levels', t('nav.serviceLevels')],
      ['/admin/routing', t('nav.routing')],
      ['/admin/triggers', t('nav.triggers')],
      ['/admin/integrations', t('nav.integrations')],
      ['/admin/telephony', t('nav.telephony')],
      ['/admin/audit', t('nav.audit')],
    );
  }
  const current = (href: string) =>
    place.path === href || (href === '/queue' && (place.path === '/' || place.path.startsWith('/queue')));
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/queue" class="brand">
          <span aria-hidden="true" class="brand-mark">
            客
          </span>
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {links.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={current(href) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          <label class="visually-hidden" for="language">
            {t('nav.language')}
          </label>
          <select
            id="language"
            value={locale}
            onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}
          >
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
          <button type="button" class="icon-button" onClick={() => setHelp(true)} aria-label={t('nav.shortcuts')}>
            ?
          </button>
          <span class="who" title={t('nav.signedInAs', { name: session.user.name })}>
            {session.user.name}
          </span>
          <button type="button" class="link-button" onClick={session.signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <div class="notice" role="status" aria-live="polite">
        {props.notice && (
          <span>
            {props.notice}
            <button type="button" class="link-button" onClick={props.onDismissNotice}>
              {t('common.close')}
            </button>
          </span>
        )}
      </div>
      <main id="main">{props.children}</main>
      <ScreenPop />
      <ChatDock />
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
