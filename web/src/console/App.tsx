import { CalendarPage } from '../visits/CalendarPage';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, ok, setCsrfToken, whenSignedOut, type Team, type User } from '../api/client';
import { I18nContext, type Locale, pickLocale, translator, useI18n } from '../i18n';
import { match, navigate, usePlace } from '../router';
import { type Session, SessionContext } from '../session';
import { Layout } from './Layout';
import { Login } from './Login';
import { QueuePage } from '../queue/QueuePage';
import { TicketPage } from '../ticket/TicketPage';
import { LogCallPage } from '../calls/LogCallPage';
import { NewTicketPage } from '../ticket/NewTicketPage';
import { UsersPage } from '../admin/UsersPage';
import { TeamsPage } from '../admin/TeamsPage';
import { AuditPage } from '../admin/AuditPage';
import { ChatPage } from '../admin/ChatPage';
import { MailPage } from '../admin/MailPage';
import { NotificationsPage } from '../account/NotificationsPage';
import { TokensPage } from '../account/TokensPage';
import { ResetPassword } from './ResetPassword';
import { StaffOnly } from './StaffOnly';
import { CustomerPortal } from '../surveys/CustomerPortal';
import { RatePage } from '../surveys/RatePage';
import { LiveChatProvider } from '../livechat/LiveChat';
import { Portal } from '../vendor/Portal';
import { VendorsPage } from '../admin/VendorsPage';
import { RoutingPage } from '../admin/RoutingPage';
import { ReportsPage } from '../reports/ReportsPage';
import { ServiceLevelsPage } from '../admin/ServiceLevelsPage';
import { TriggersPage } from '../admin/TriggersPage';
import { IntegrationsPage } from '../admin/IntegrationsPage';
import { TelephonyPage } from '../admin/TelephonyPage';
import { MacrosPage } from '../macros/MacrosPage';
import { EscalationQueue } from '../escalations/EscalationQueue';
import { EscalationPage } from '../escalations/EscalationPage';
import { ScorecardPage } from '../escalations/ScorecardPage';

const LOCALE_KEY = 'kefu.locale';

function initialLocale(): Locale {
  return pickLocale([localStorage.getItem(LOCALE_KEY), ...navigator.languages]);
}

type State = { kind: 'loading' } | { kind: 'signed-out'; expired: boolean } | { kind: 'signed-in'; user: User };

/** The agent console: sign-in, then the queue, tickets, calls and admin pages. */
export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [staff, setStaff] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [notice, setNotice] = useState('');
  const place = usePlace();
  const t = useMemo(() => translator(locale), [locale]);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t('app.name');
  }, [locale, t]);

  const signedIn = useCallback((user: User, csrf: string) => {
    setCsrfToken(csrf);
    setState({ kind: 'signed-in', user });
    if (user.locale === 'en' || user.locale === 'zh-CN') {
      setLocaleState(user.locale);
      localStorage.setItem(LOCALE_KEY, user.locale);
    }
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setState({ kind: 'signed-out', expired: true });
    });
    ok(api.GET('/api/v1/me')).then(
      (me) => signedIn(me.user, me.csrf_token ?? ''),
      () => setState({ kind: 'signed-out', expired: false }),
    );
  }, [signedIn]);

  const refreshDirectory = useCallback(() => {
    ok(api.GET('/api/v1/users', { params: { query: { role: 'admin,agent', active: true, limit: 200 } } })).then(
      (list) => setStaff(list.items),
      () => setStaff([]),
    );
    ok(api.GET('/api/v1/teams')).then(
      (list) => setTeams(list.items),
      () => setTeams([]),
    );
  }, []);

  useEffect(() => {
    if (state.kind === 'signed-in') refreshDirectory();
  }, [state.kind, refreshDirectory]);

  const setLocale = useCallback(
    (next: Locale) => {
      setLocaleState(next);
      localStorage.setItem(LOCALE_KEY, next);
      if (state.kind === 'signed-in') {
        ok(api.PATCH('/api/v1/me', { body: { locale: next } })).catch((error: ApiError) =>
          setNotice(error.message),
        );
      }
    },
    [state.kind],
  );

  const signOut = useCallback(() => {
    ok(api.POST('/api/v1/auth/logout')).finally(() => {
      setCsrfToken(null);
      setState({ kind: 'signed-out', expired: false });
      navigate('/login');
    });
  }, []);

  const i18n = useMemo(() => ({ locale, t, setLocale }), [locale, t, setLocale]);

  if (place.path.startsWith('/rate/')) {
    return (
      <I18nContext.Provider value={i18n}>
        <RatePage token={place.path.slice('/rate/'.length)} setLocale={setLocaleState} />
      </I18nContext.Provider>
    );
  }
  if (place.path === '/reset-password') {
    return (
      <I18nContext.Provider value={i18n}>
        <ResetPassword token={new URLSearchParams(place.search).get('token') ?? ''} />
      </I18nContext.Provider>
    );
  }
  if (state.kind === 'loading') {
    return (
      <I18nContext.Provider value={i18n}>
        <p class="loading" role="status">
          {t('common.loading')}
        </p>
      </I18nContext.Provider>
    );
  }
  if (state.kind === 'signed-out') {
    return (
      <I18nContext.Provider value={i18n}>
        <Login
          expired={state.expired}
          onSignedIn={(user, csrf) => {
            signedIn(user, csrf);
            const next = new URLSearchParams(place.search).get('next');
            const home = user.role === 'vendor' ? '/vendor' : '/queue';
            navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : home, { replace: true });
          }}
        />
      </I18nContext.Provider>
    );
  }
  if (state.user.role === 'vendor') {
    const vendorSession: Session = {
      user: state.user,
      staff: [],
      teams: [],
      refreshDirectory: () => {},
      notify: setNotice,
      signOut,
    };
    if (!place.path.startsWith('/vendor')) navigate('/vendor', { replace: true });
    return (
      <I18nContext.Provider value={i18n}>
        <SessionContext.Provider value={vendorSession}>
          <Portal name={state.user.name} path={place.path} onSignOut={signOut} notice={notice} />
        </SessionContext.Provider>
      </I18nContext.Provider>
    );
  }
  if (state.user.role !== 'admin' && state.user.role !== 'agent') {
    return (
      <I18nContext.Provider value={i18n}>
        {state.user.role === 'customer' ? (
          <CustomerPortal name={state.user.name} onSignOut={signOut} />
        ) : (
          <StaffOnly name={state.user.name} onSignOut={signOut} />
        )}
      </I18nContext.Provider>
    );
  }
  const session: Session = {
    user: state.user,
    staff,
    teams,
    refreshDirectory,
    notify: setNotice,
    signOut,
  };
  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        <LiveChatProvider
          notifyTitle={(visitor, passedOn) => t(passedOn ? 'chat.incomingPassed' : 'chat.notification', { visitor })}
        >
          <Layout notice={notice} onDismissNotice={() => setNotice('')}>
            <Route path={place.path} admin={state.user.role === 'admin'} />
          </Layout>
        </LiveChatProvider>
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
}

function Route(props: { path: string; admin: boolean }) {
  const { path, admin } = props;
  if (path === '/' || path === '/login' || path === '/agent' || path === '/queue') {
    return <QueuePage />;
  }
  if (path === '/tickets/new') return <NewTicketPage />;
  const ticket = match('/tickets/:ref', path);
  if (ticket) return <TicketPage reference={ticket.ref ?? ''} />;
  if (path === '/calls') return <LogCallPage />;
  if (path === '/escalations') return <EscalationsRoute />;
  if (path === '/visits') return <CalendarPage />;
  if (path === '/escalations/scorecard') return <ScorecardPage />;
  const escalation = match('/escalations/:id', path);
  if (escalation) return <EscalationRoute id={escalation.id ?? ''} />;
  if (admin && path === '/admin/vendors') return <VendorsPage />;
  if (admin && path === '/admin/users') return <UsersPage />;
  if (admin && path === '/admin/teams') return <TeamsPage />;
  if (admin && path === '/admin/audit') return <AuditPage />;
  if (admin && path === '/admin/chat') return <ChatPage />;
  if (admin && path === '/admin/mail') return <MailPage />;
  if (admin && path === '/admin/service-levels') return <ServiceLevelsPage />;
  if (admin && path === '/admin/routing') return <RoutingPage />;
  if (path === '/reports') return <ReportsPage />;
  if (admin && path === '/admin/triggers') return <TriggersPage />;
  if (admin && path === '/admin/integrations') return <IntegrationsPage />;
  if (admin && path === '/admin/telephony') return <TelephonyPage />;
  if (path === '/macros') return <MacrosPage />;
  if (path === '/settings/tokens') return <TokensPage />;
  if (path === '/settings/notifications') return <NotificationsPage />;
  return <NotFound />;
}

function EscalationsRoute() {
  const { t } = useI18n();
  const overdue = new URLSearchParams(window.location.search).get('overdue') === 'true';
  return (
    <EscalationQueue
      key={String(overdue)}
      base="/escalations"
      title={overdue ? t('esc.overdueTitle') : t('esc.title')}
      overdueOnly={overdue}
    />
  );
}

function EscalationRoute(props: { id: string }) {
  const { t } = useI18n();
  return <EscalationPage id={props.id} back="/escalations" backLabel={t('esc.title')} staff />;
}

function NotFound() {
  const { t } = useI18n();
  return <p class="empty">{t('common.notFound')}</p>;
}
