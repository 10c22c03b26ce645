/** The chat dock: presence, chats offered to the agent and waiting in their teams' queues,
 * and the chats they serve, side by side, each with its lines, typing, transfer and end. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MessageKey, useI18n } from '../i18n';
import { MacroPicker, useSlashMacros } from '../macros/slash';
import { useSession } from '../session';
import { Icon, Link } from '../components/ui';
import { api, csrfHeaders, ok } from '../api/client';
import { useLoad } from '../hooks';
import { FileView, sendFile, type Upload } from '../chat/files';
import { newClientId } from '../chat/socket';
import { noteText } from '../chat/notes';
import { languageName } from '../format';
import { TYPING_EXPIRES_MS, type ClientFrame, type Handover, type Presence, type QueuedChat } from '../chat/protocol';
import { inLocale } from '../ticket/Timeline';
import { EarlierTickets } from './EarlierTickets';
import { type LiveChat, useLiveChat } from './LiveChat';
import type { OpenChat } from './state';


const PRESENCES: Presence[] = ['online', 'away', 'offline'];

export function ChatDock() {
  const live = useLiveChat();
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const dock = useRef<HTMLElement>(null);
  const pending = live ? Object.keys(live.state.queue).length + Object.keys(live.state.offers).length + live.state.chats.length : 0;
  // It opens when something comes in; the agent may fold it away again.
  useEffect(() => {
    if (pending > 0) setExpanded(true);
  }, [pending > 0]);
  // Pages leave room below for the dock, so it never hides the end of a list.
  useEffect(() => {
    const element = dock.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty('--dock-height', `${element.offsetHeight}px`));
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--dock-height');
    };
  }, [live !== null]);
  if (!live) return null;
  const { state } = live;
  const offers = Object.values(state.offers);
  const waiting = Object.values(state.queue).filter((c) => !state.offers[c.ticket] && !c.offered_to);
  const serving = state.chats;
  const offerList = offers.map((chat) => <Offer key={chat.ticket} chat={chat} />);
  return (
    <aside class="chat-dock" aria-label={t('chat.dock')} ref={dock}>
      <div class="chat-dock-bar">
        <button type="button" class="link-button" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {t('chat.dock')}
          {offers.length + waiting.length > 0 && <span class="badge status-new">{offers.length + waiting.length}</span>}
        </button>
        <label class="visually-hidden" for="presence">
          {t('chat.presence')}
        </label>
        <select
          id="presence"
          value={state.presence}
          onChange={(e) => live.choose((e.currentTarget as HTMLSelectElement).value as Presence)}
        >
          {PRESENCES.map((p) => (
            <option key={p} value={p}>
              {t(`chat.presence.${p}`)}
            </option>
          ))}
        </select>
        <span class={`chat-connection ${state.connected ? 'on' : 'off'}`} role="status">
          {state.connected ? t('chat.connected') : t('chat.connecting')}
        </span>
        {'Notification' in window && Notification.permission === 'default' && (
          <button type="button" class="link-button" onClick={() => void Notification.requestPermission()}>
            {t('chat.enableNotifications')}
          </button>
        )}
      </div>
      {!expanded && offers.length > 0 && (
        // Offers show even with the dock folded: one missed lapses and goes to a colleague.
        <div class="chat-dock-body">
          <section class="chat-queue" aria-label={t('chat.queue')}>
            {offerList}
          </section>
        </div>
      )}
      {expanded && (
        <div class="chat-dock-body">
          {/* The queue column only when something waits, so the chats get the room. */}
          {(offers.length > 0 || waiting.length > 0 || serving.length === 0 || state.error) && (
            <section class="chat-queue" aria-label={t('chat.queue')}>
              {offerList}
              {waiting.length > 0 ? (
                <h2 class="chat-heading">{t('chat.waiting', { count: waiting.length })}</h2>
              ) : (
                offers.length === 0 && <p class="chat-empty">{t('chat.noneWaiting')}</p>
              )}
              <ul class="chat-waiting">
                {waiting.map((chat) => (
                  <li key={chat.ticket}>
                    <span>
                      {chat.visitor} · <QueueOf chat={chat} /> · {t('chat.place', { position: chat.position })}
                      <HandoverNote handover={chat.handover} />
                    </span>
                    <button type="button" onClick={() => pickUp(live, { type: 'take', ticket: chat.ticket })}>
                      {t('chat.take')}
                    </button>
                  </li>
                ))}
              </ul>
              {state.error && (
                <p class="banner banner-error" role="alert">
                  {t(chatError(state.error))}{' '}
                  <button type="button" class="link" onClick={() => live.dispatch({ type: 'dismiss_error' })}>
                    {t('common.close')}
                  </button>
                </p>
              )}
            </section>
          )}
          <div class="chat-windows">
            {serving.map((chat) => (
              <ChatWindow key={chat.ticket} chat={chat} />
            ))}
          </div>
        </div>
      )}
    </aside>
  );
}

/** Takes or accepts a chat, going online first: an agent away or offline who picks a chat up is
 * at work, and the router would otherwise hand it straight back to the queue. */
function pickUp(live: LiveChat, frame: ClientFrame) {
  if (live.state.presence !== 'online') live.choose('online');
  live.send(frame);
}

function Offer(props: { chat: QueuedChat }) {
  const live = useLiveChat();
  const { t } = useI18n();
  const { chat } = props;
  return (
    <div class="chat-offer" role="alert">
      <strong>{t(chat.handover ? 'chat.incomingPassed' : 'chat.incoming', { visitor: chat.visitor })}</strong>
      <span class="chat-offer-queue">
        <QueueOf chat={chat} />
      </span>
      <HandoverNote handover={chat.handover} />
      <div class="chat-offer-actions">
        <button type="button" class="primary" onClick={() => live && pickUp(live, { type: 'accept', ticket: chat.ticket })}>
          {t('chat.accept')}
        </button>
        <button type="button" onClick={() => live?.send({ type: 'decline', ticket: chat.ticket })}>
          {t('chat.decline')}
        </button>
      </div>
    </div>
  );
}

/** Which team's queue a chat waits in, and what it is about: after a transfer the team is
 * no longer the one its stage picked. */
function QueueOf(props: { chat: QueuedChat }) {
  const { t } = useI18n();
  const { teams } = useSession();
  const team = teams.find((candidate) => candidate.id === props.chat.team);
  const stage = t(`stage.${props.chat.stage}`);
  return <>{team ? `${team.name} · ${stage}` : stage}</>;
}

/** The agent's words for an error the gateway sent, by its code; others are "try again". */
function chatError(code: string): MessageKey {
  const known = [
    'agent_not_online',
    'chat_moved',
    'not_found',
    'forbidden',
    'rate_limited',
    'chat_ended',
    'invalid_text',
    'ticket_closed',
    'invalid_conversation_move',
    'invalid_agent',
    'invalid_team',
  ];
  return known.includes(code) ? (`chat.error.${code}` as MessageKey) : 'chat.error.other';
}

/** Who passed the chat on, and their note, for the agent taking it over. */
function HandoverNote(props: { handover?: Handover | null }) {
  const { t } = useI18n();
  const { handover } = props;
  if (!handover) return null;
  return (
    <p class="chat-handover">
      {handover.note ? t('chat.handoverNote', { from: handover.from, note: handover.note }) : t('chat.handover', { from: handover.from })}
    </p>
  );
}

function ChatWindow(props: { chat: OpenChat }) {
  const live = useLiveChat();
  const session = useSession();
  const { t, locale } = useI18n();
  const { chat } = props;
  const [draft, setDraft] = useState('');
  const slash = useSlashMacros({ ticketId: props.chat.ticket, text: draft, setText: setDraft, onApplied: () => {} });
  const [transferring, setTransferring] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const typedAt = useRef(0);
  const bottom = useRef<HTMLLIElement>(null);
  const pending = live?.unacknowledged(chat.ticket) ?? [];
  useEffect(() => bottom.current?.scrollIntoView?.({ block: 'end' }), [chat.lines.length, pending.length]);
  useEffect(() => {
    const last = chat.lines[chat.lines.length - 1];
    // A chat passed on is no longer this agent's to mark.
    if ((last?.fromVisitor || last?.note) && !chat.transferred && !chat.released) live?.send({ type: 'read', ticket: chat.ticket, up_to: last.seq });
  }, [chat.lines.length]);
  // A typing mark the visitor stopped renewing (they cleared the box, or left) expires.
  useEffect(() => {
    if (!chat.visitorTyping) return;
    const expire = setTimeout(() => live?.dispatch({ type: 'typing_expired', ticket: chat.ticket }), TYPING_EXPIRES_MS);
    return () => clearTimeout(expire);
  }, [chat.typingBeat]);
  if (!live) return null;
  const send = (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    live.say(chat.ticket, text);
    live.send({ type: 'typing', ticket: chat.ticket, typing: false });
    typedAt.current = 0;
    setDraft('');
  };
  const type = (value: string) => {
    setDraft(value);
    if (!value.trim()) {
      // The draft is cleared: the visitor no longer sees the agent typing.
      if (typedAt.current) live.send({ type: 'typing', ticket: chat.ticket, typing: false });
      typedAt.current = 0;
    } else if (Date.now() - typedAt.current > 3000) {
      typedAt.current = Date.now();
      live.send({ type: 'typing', ticket: chat.ticket, typing: true });
    }
  };
  // Files go over HTTP as lines of their own; sent again with the same id, stored once.
  const upload = async (item: Upload) => {
    setUploads((list) => [...list.filter((u) => u.clientId !== item.clientId), { ...item, error: null }]);
    const result = await sendFile('', item, chat.ticket, csrfHeaders());
    setUploads((list) =>
      result.ok
        ? list.filter((u) => u.clientId !== item.clientId)
        : list.map((u) => (u.clientId === item.clientId ? { ...u, error: result.message } : u)),
    );
  };
  const pick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    for (const file of Array.from(input.files ?? [])) void upload({ clientId: newClientId(), file, error: null });
    input.value = '';
  };
  const label = chat.number ? `#${chat.number}` : '';
  return (
    <section class="chat-window" aria-label={t('chat.with', { visitor: chat.visitor })}>
      <header class="chat-window-head">
        <strong>{chat.visitor}</strong>
        {chat.number && <Link href={`/tickets/${chat.number}`}>{label}</Link>}
        {/* Put away once it is over: a live chat is ended, transferred or taken back, never lost from view. */}
        {(chat.ended || chat.transferred || chat.released) && (
          <button type="button" class="icon-button" aria-label={t('common.close')} onClick={() => live.dispatch({ type: 'close_chat', ticket: chat.ticket })}>
            ×
          </button>
        )}
      </header>
      {(chat.pageUrl || chat.language || chat.browser) && (
        <p class="chat-context muted">
          {chat.pageUrl && (
            <span class="chat-page" title={chat.pageUrl}>
              {t('chat.page', { page: chat.pageUrl })}
            </span>
          )}
          {chat.language && <span> · {languageName(chat.language, locale)}</span>}
          {chat.browser && <span> · {chat.browser}</span>}
        </p>
      )}
      <HandoverNote handover={chat.handover} />
      {chat.customer && <EarlierTickets customer={chat.customer} ticket={chat.ticket} />}
      <ol class="chat-lines" aria-live="polite">
        {chat.lines.map((line) =>
          line.note ? (
            <li key={line.seq} class="chat-note">
              {noteText(t, line.note) ?? inLocale(line.text, locale)}
            </li>
          ) : (
            <li key={line.seq} class={line.fromVisitor ? 'from-visitor' : 'from-agent'}>
              <span class="chat-author">{line.author}</span>
              {line.files.length ? line.files.map((f) => <FileView key={f.id} file={f} base="" />) : line.text}
              {!line.fromVisitor && line.seq <= chat.visitorReadUpTo && <span class="chat-mark">{t('chat.read')}</span>}
            </li>
          ),
        )}
        {pending.map((p) => (
          <li key={p.client_id} class="from-agent pending">
            {p.text}
            <span class="chat-mark">{t('chat.sending')}</span>
          </li>
        ))}
        {uploads.map((u) => (
          <li key={u.clientId} class="from-agent pending">
            {u.file.name}
            {u.error ? (
              <span class="chat-mark error" role="alert">
                {t('chat.fileNotSent', { name: u.file.name, reason: u.error })}{' '}
                <button type="button" class="link" onClick={() => void upload(u)}>
                  {t('common.retry')}
                </button>
              </span>
            ) : (
              <span class="chat-mark">{t('chat.sending')}</span>
            )}
          </li>
        ))}
        <li ref={bottom} aria-hidden="true" />
      </ol>
      {chat.visitorTyping && <p class="muted chat-typing">{t('chat.typing', { visitor: chat.visitor })}</p>}
      {chat.ended && <p class="muted">{t('chat.ended')}</p>}
      {chat.transferred && <p class="muted">{t('chat.transferred')}</p>}
      {chat.released && !chat.ended && (
        <p class="muted">
          {t('chat.released')}
          {live.state.queue[chat.ticket] && ` ${t('chat.releasedTake')}`}
        </p>
      )}
      {!chat.ended && !chat.transferred && !chat.released && (
        <>
          <form class="chat-compose" onSubmit={send}>
            <label class="visually-hidden" for={`say-${chat.ticket}`}>
              {t('chat.message')}
            </label>
            <textarea
              id={`say-${chat.ticket}`}
              value={draft}
              maxLength={5000}
              aria-controls={slash.open ? `macros-${chat.ticket}` : undefined}
              aria-autocomplete="list"
              onInput={(e) => {
                type(e.currentTarget.value);
                slash.follow(e.currentTarget.selectionStart ?? e.currentTarget.value.length);
              }}
              onKeyDown={(e) => {
                if (slash.onKeyDown(e)) return;
                if (e.key === 'Enter' && !e.shiftKey) send(e);
              }}
            />
            {slash.open && (
              <MacroPicker id={`macros-${chat.ticket}`} matches={slash.matches} active={slash.active} onPick={(m) => void slash.pick(m)} />
            )}
            <label class="chat-attach button" title={t('chat.attach')}>
              <input type="file" multiple aria-label={t('chat.attach')} onChange={pick} />
              <Icon name="paperclip" />
            </label>
            <button type="submit" class="primary">
              {t('chat.send')}
            </button>
          </form>
          <div class="chat-actions">
            <button type="button" onClick={() => setTransferring(!transferring)} aria-expanded={transferring}>
              {t('chat.transfer')}
            </button>
            <button type="button" onClick={() => live.send({ type: 'end', ticket: chat.ticket })}>
              {t('chat.end')}
            </button>
          </div>
          {transferring && (
            <Transfer
              teams={session.teams}
              me={session.user.id}
              onTransfer={(to, note) => {
                live.send({ type: 'transfer', ticket: chat.ticket, to, note: note || null });
                setTransferring(false);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function Transfer(props: {
  teams: { id: string; name: string }[];
  me: string;
  onTransfer: (to: { team: string } | { agent: string }, note: string) => void;
}) {
  const { t } = useI18n();
  // Only agents online now can be passed a chat: read when the form opens.
  const online = useLoad(() => ok(api.GET('/api/v1/chat/online-agents')), []);
  const others = (online.value?.items ?? []).filter((agent) => agent.id !== props.me);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      class="chat-transfer"
      onSubmit={(e) => {
        e.preventDefault();
        const [kind, id] = target.split(':');
        if (kind === 'team' && id) props.onTransfer({ team: id }, note);
        if (kind === 'agent' && id) props.onTransfer({ agent: id }, note);
      }}
    >
      <label>
        {t('chat.transferTo')}
        <select required value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">—</option>
          <optgroup label={t('nav.teams')}>
            {props.teams.map((team) => (
              <option key={team.id} value={`team:${team.id}`}>
                {team.name}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('chat.agentsOnline')}>
            {others.map((agent) => (
              <option key={agent.id} value={`agent:${agent.id}`}>
                {t('chat.agentLoad', { name: agent.name, count: agent.chats })}
              </option>
            ))}
            {online.value && others.length === 0 && <option disabled>{t('chat.nobodyElseOnline')}</option>}
            {online.error && <option disabled>{t('chat.error.other')}</option>}
          </optgroup>
        </select>
      </label>
      <label>
        {t('chat.note')}
        <textarea maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={!target}>
        {t('chat.transferNow')}
      </button>
    </form>
  );
}
