/**
 * The chat widget, embedded with one tag:
 * `<script src="https://help.example.com/widget.js" data-kefu-widget="…" async></script>`.
 * It renders in a shadow root (the host page's styles never reach it), talks to Kefu's API for
 * a visitor session and to the chat gateway for the chat, and keeps the visitor's key in
 * `localStorage`, so a reload or a later visit continues the same chat.
 */
import { render } from 'preact';
import { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { ChatSocket, newClientId } from '../chat/socket';
import { FileView, sendFile, type Upload } from '../chat/files';
import type { ServerFrame, Stage } from '../chat/protocol';
import { CSS } from './style';
import { pickLang, translator, type Key } from './strings';
import { TYPING_EXPIRES_MS, initial, noteText, reduce, unseen, type Line, type Seen } from './state';

interface Look {
  colour: string;
  position: 'right' | 'left';
  greeting_en: string | null;
  greeting_zh: string | null;
  stages: Stage[];
  open_stages: Stage[];
  /** The texts each stage's team set (older servers send none). */
  stage_texts?: StageTexts[];
}

interface StageTexts {
  stage: Stage;
  greeting_en: string | null;
  greeting_zh: string | null;
  offline_en: string | null;
  offline_zh: string | null;
}

interface Session {
  token: string;
  socket_url: string;
  widget: Look;
}

/** Where this script came from, and which widget it is. */
interface Embed {
  base: string;
  widget: string;
}

function storageKey(embed: Embed, name: string): string {
  return `kefu:${embed.widget}:${name}`;
}

/** How often a chatting visitor's page address is looked at, for single-page sites. */
const PAGE_LOOK_MS = 3000;

function readSeen(embed: Embed): Seen | null {
  try {
    const seen = JSON.parse(localStorage.getItem(storageKey(embed, 'seen')) ?? 'null') as Seen | null;
    return seen && typeof seen.ticket === 'string' && typeof seen.seq === 'number' ? seen : null;
  } catch {
    return null;
  }
}

function browserKey(embed: Embed): string {
  const name = storageKey(embed, 'key');
  let key = localStorage.getItem(name);
  if (!key || key.length < 32) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    localStorage.setItem(name, key);
  }
  return key;
}

async function openSession(embed: Embed): Promise<Session> {
  const response = await fetch(`${embed.base}/api/v1/widgets/${embed.widget}/visitor-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: browserKey(embed) }),
  });
  if (!response.ok) throw new Error(`visitor session: ${response.status}`);
  return (await response.json()) as Session;
}

function Widget({ embed }: { embed: Embed }) {
  const lang = pickLang(navigator.languages ?? [navigator.language]);
  const t = useMemo(() => translator(lang), [lang]);
  const [open, setOpen] = useState(sessionStorage.getItem(storageKey(embed, 'open')) === '1');
  const [look, setLook] = useState<Look | null>(null);
  const [state, dispatch] = useReducer(reduce, initial);
  const [connected, setConnected] = useState(false);
  const socket = useRef<ChatSocket | null>(null);
  const token = useRef<string | null>(null);
  // Lines seen on this page: a reconnect resumes after them. A new page starts from the first
  // line of the visitor's latest chat (the gateway's default), so a reload shows it all.
  const seen = useRef(new Map<string, number>());
  const wasChatting = localStorage.getItem(storageKey(embed, 'chatting')) === '1';

  const connect = () => {
    if (socket.current) return;
    const chat = new ChatSocket({
      seen: seen.current,
      credentials: async () => {
        const session = await openSession(embed);
        token.current = session.token;
        setLook(session.widget);
        return session;
      },
      onState: setConnected,
      onFrame: (frame: ServerFrame) => {
        dispatch(frame);
        if (frame.type === 'started') localStorage.setItem(storageKey(embed, 'chatting'), '1');
      },
    });
    socket.current = chat;
    void chat.start();
  };

  useEffect(() => {
    if (open || wasChatting) connect();
    sessionStorage.setItem(storageKey(embed, 'open'), open ? '1' : '0');
  }, [open]);

  useEffect(() => () => socket.current?.stop(), []);

  // Whether the visitor can see the page now (not another tab, not a minimised window).
  const [visible, setVisible] = useState(document.visibilityState !== 'hidden');
  useEffect(() => {
    const changed = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);
  const seeing = open && visible;

  // How far the visitor has seen their chat with the panel open, kept across reloads, so the
  // folded launcher (and the page's title, while they look elsewhere) counts what arrived since.
  const [seenOpen, setSeenOpen] = useState<Seen | null>(() => readSeen(embed));
  useEffect(() => {
    if (!seeing || !state.ticket) return;
    // A chat started without a line yet is seen up to its start, so what comes counts.
    const now = { ticket: state.ticket, seq: state.lines[state.lines.length - 1]?.seq ?? 0 };
    localStorage.setItem(storageKey(embed, 'seen'), JSON.stringify(now));
    setSeenOpen(now);
  }, [seeing, state.ticket, state.lines.length]);
  // Another tab of the website where the panel is open sees them too.
  useEffect(() => {
    const other = (event: StorageEvent) => {
      if (event.key === storageKey(embed, 'seen')) setSeenOpen(readSeen(embed));
    };
    window.addEventListener('storage', other);
    return () => window.removeEventListener('storage', other);
  }, []);
  const unread = seeing ? 0 : unseen(state, seenOpen);
  const pageTitle = useRef(document.title);
  useEffect(() => {
    if (unread > 0) {
      document.title = `(${unread}) ${pageTitle.current}`;
      return;
    }
    if (document.title.startsWith('(')) document.title = pageTitle.current;
    pageTitle.current = document.title;
  }, [unread]);

  // Tell the agent which page of the website the visitor is on: on each page, and as it changes
  // (single-page sites move without loading a page, so it is looked at every few seconds).
  const chatting = connected && state.ticket !== null && !state.ended;
  useEffect(() => {
    if (!chatting || !/^https?:$/.test(location.protocol)) return;
    let told = '';
    const tell = () => {
      if (location.href !== told && socket.current?.send({ type: 'page', url: location.href })) told = location.href;
    };
    tell();
    const every = setInterval(tell, PAGE_LOOK_MS);
    window.addEventListener('popstate', tell);
    window.addEventListener('hashchange', tell);
    return () => {
      clearInterval(every);
      window.removeEventListener('popstate', tell);
      window.removeEventListener('hashchange', tell);
    };
  }, [chatting]);

  // Tell the agent what the visitor has read while the panel is open.
  useEffect(() => {
    const last = state.lines[state.lines.length - 1];
    if (seeing && last && !last.mine && state.ticket) {
      socket.current?.send({ type: 'read', ticket: state.ticket, up_to: last.seq });
    }
  }, [seeing, state.lines.length]);

  const side = look?.position ?? 'right';
  const accent = look?.colour ?? '#0f766e';
  return (
    <div class={`root ${side}`} style={{ '--accent': accent }}>
      {open ? (
        <section class="panel" role="dialog" aria-label={t('title')}>
          <header>
            <div>
              <h2>{t('title')}</h2>
              {state.agent && !state.ended && <p class="helping">{t('helping', { agent: state.agent })}</p>}
            </div>
            <button type="button" aria-label={t('close')} onClick={() => setOpen(false)}>
              ×
            </button>
          </header>
          {!connected && socket.current && <p class="status" role="status">{t('reconnecting')}</p>}
          <Panel
            t={t}
            lang={lang}
            look={look}
            state={state}
            socket={socket.current}
            embed={embed}
            token={token}
            dispatch={dispatch}
            onNewChat={() => {
              localStorage.removeItem(storageKey(embed, 'chatting'));
              dispatch({ type: 'reset' });
            }}
          />
        </section>
      ) : (
        <button
          type="button"
          class="launcher"
          onClick={() => setOpen(true)}
          aria-label={unread ? t('openUnread', { count: unread }) : undefined}
        >
          {t('open')}
          {unread > 0 && (
            <span class="unread" aria-hidden="true">
              {unread}
            </span>
          )}
        </button>
      )}
    </div>
  );
}

type T = (key: Key, params?: Record<string, string | number>) => string;

function Panel(props: {
  t: T;
  lang: 'en' | 'zh';
  look: Look | null;
  state: ReturnType<typeof reduce>;
  socket: ChatSocket | null;
  embed: Embed;
  token: { current: string | null };
  dispatch: (action: Parameters<typeof reduce>[1]) => void;
  onNewChat: () => void;
}) {
  const { t, look, state, socket } = props;
  if (!look) return <p class="note">…</p>;
  if (state.left !== null) return <p class="note">{t('left', { number: state.left })}</p>;
  if (!state.ticket) return <StartForm {...props} look={look} socket={socket} />;
  return <Conversation {...props} />;
}

function StartForm(props: { t: T; lang: 'en' | 'zh'; look: Look; state: ReturnType<typeof reduce>; socket: ChatSocket | null }) {
  const { t, lang, look, state, socket } = props;
  // Nothing is chosen for the visitor (unless there is one choice): a stage chosen for them
  // could read "nobody can chat" while the team they need is online.
  const [stage, setStage] = useState<Stage | null>(look.stages.length === 1 ? (look.stages[0] ?? null) : null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [text, setText] = useState('');
  const openStages = state.openStages ?? look.open_stages;
  const open = stage === null ? look.stages.some((s) => openStages.includes(s)) : openStages.includes(stage);
  const greeting = (lang === 'zh' ? look.greeting_zh : look.greeting_en) ?? t('greeting');
  // The chosen stage's team speaks for itself: its greeting, or its offline text.
  const team = look.stage_texts?.find((s) => s.stage === stage);
  const teamGreeting = team && (lang === 'zh' ? team.greeting_zh : team.greeting_en);
  const offline = (team && (lang === 'zh' ? team.offline_zh : team.offline_en)) || t('offline');
  const submit = (event: Event) => {
    event.preventDefault();
    if (!socket || !stage) return;
    const context = { page_url: location.href, language: navigator.language };
    if (open) {
      socket.send({ type: 'start', stage, name, email: email || null, text: text || null, ...context });
    } else {
      socket.send({ type: 'leave_message', stage, name, email, text, ...context });
    }
  };
  return (
    <form class="body" onSubmit={submit}>
      <p class="greeting">{greeting}</p>
      <fieldset>
        <legend>{t('about')}</legend>
        {look.stages.map((s) => (
          <label key={s}>
            <input type="radio" name="stage" required checked={stage === s} onChange={() => setStage(s)} />
            {t(s)}
            {/* Said before it is picked: nobody chats about it now, a message is answered later. */}
            {!openStages.includes(s) && <span class="closed"> · {t('stageClosed')}</span>}
          </label>
        ))}
      </fieldset>
      {open && teamGreeting && <p class="note">{teamGreeting}</p>}
      {!open && <p class="note" role="status">{offline}</p>}
      <label>
        {t('name')}
        <input required maxLength={120} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="name" />
      </label>
      <label>
        {open ? t('email') : t('emailRequired')}
        <input type="email" required={!open} value={email} onInput={(e) => setEmail(e.currentTarget.value)} autoComplete="email" />
      </label>
      <label>
        {t('message')}
        <textarea required={!open} maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {state.error && <p class="error" role="alert">{t(state.error)}</p>}
      <button class="primary" type="submit" disabled={!socket?.connected}>
        {open ? t('start') : t('leave')}
      </button>
    </form>
  );
}

function Conversation(props: {
  t: T;
  state: ReturnType<typeof reduce>;
  socket: ChatSocket | null;
  embed: Embed;
  token: { current: string | null };
  dispatch: (action: Parameters<typeof reduce>[1]) => void;
  onNewChat: () => void;
}) {
  const { t, state, socket, embed } = props;
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [draft, setDraft] = useState('');
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [expectation, setExpectation] = useState<'worse' | 'as_expected' | 'better' | null>(null);
  const [ending, setEnding] = useState(false);
  const typingSince = useRef(0);
  const bottom = useRef<HTMLDivElement>(null);
  // Whatever comes in (a line, a note, the queue place, the rating form) shows at the bottom.
  useEffect(
    () => bottom.current?.scrollIntoView?.({ block: 'end' }),
    [state.lines.length, socket?.unacknowledged.length, state.position, state.ended, state.rated, state.typing],
  );
  // A typing mark the agent stopped renewing (they cleared their draft, or left) expires.
  useEffect(() => {
    if (!state.typing) return;
    const expire = setTimeout(() => props.dispatch({ type: 'typing_expired' }), TYPING_EXPIRES_MS);
    return () => clearTimeout(expire);
  }, [state.typingBeat]);
  const pending = socket?.unacknowledged.filter((p) => !state.lines.some((l) => l.clientId === p.client_id)) ?? [];

  const send = (event: Event) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text || !socket) return;
    socket.say(state.ticket, text);
    socket.send({ type: 'typing', ticket: state.ticket, typing: false });
    typingSince.current = 0;
    setDraft('');
  };
  const typing = (value: string) => {
    setDraft(value);
    const now = Date.now();
    if (!value.trim()) {
      // The draft is cleared: the agent no longer sees them typing.
      if (typingSince.current) socket?.send({ type: 'typing', ticket: state.ticket, typing: false });
      typingSince.current = 0;
    } else if (now - typingSince.current > 3000) {
      typingSince.current = now;
      socket?.send({ type: 'typing', ticket: state.ticket, typing: true });
    }
  };
  // A file is a line of its own; sent again with the same id after a failure, it is stored once.
  const upload = async (item: Upload) => {
    setUploads((list) => [...list.filter((u) => u.clientId !== item.clientId), { ...item, error: null }]);
    let result = await sendFile(embed.base, item, state.ticket, { authorization: `Bearer ${props.token.current}` });
    if (!result.ok && result.status === 401) {
      const session = await openSession(embed).catch(() => null);
      if (session) {
        props.token.current = session.token;
        result = await sendFile(embed.base, item, state.ticket, { authorization: `Bearer ${session.token}` });
      }
    }
    const error = result.ok
      ? null
      : result.code === 'file_too_large' || result.status === 413
        ? t('tooLarge', { name: item.file.name })
        : result.code === 'invalid_file'
          ? t('fileType', { name: item.file.name })
          : t('notSent', { name: item.file.name });
    setUploads((list) =>
      error ? list.map((u) => (u.clientId === item.clientId ? { ...u, error } : u)) : list.filter((u) => u.clientId !== item.clientId),
    );
  };
  const pick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    for (const file of Array.from(input.files ?? [])) void upload({ clientId: newClientId(), file, error: null });
    input.value = '';
  };
  const mark = (line: Line) =>
    !line.mine ? null : line.seq <= state.readUpTo ? t('read') : t('delivered');

  return (
    <>
      <div class="body" aria-live="polite">
        <ul class="lines">
          {state.lines.map((line) => {
            if (line.note) {
              const said = noteText(line.note);
              return (
                <li key={line.seq} class="note">
                  {said ? t(said.key, said.params) : line.text}
                </li>
              );
            }
            return (
              <li key={line.seq} class={`line ${line.mine ? 'mine' : 'theirs'}`}>
                <span class="who">{line.mine ? t('you') : line.author}</span>
                {line.files.length ? line.files.map((f) => <FileView key={f.id} file={f} base={embed.base} />) : line.text}
                {line.mine && <span class="mark">{mark(line)}</span>}
              </li>
            );
          })}
          {pending.map((p) => (
            <li key={p.client_id} class="line mine">
              <span class="who">{t('you')}</span>
              {p.text}
              <span class="mark">{t('sending')}</span>
            </li>
          ))}
          {uploads.map((u) => (
            <li key={u.clientId} class="line mine">
              <span class="who">{t('you')}</span>
              {u.file.name}
              {u.error ? (
                <span class="mark error" role="alert">
                  {u.error}{' '}
                  <button type="button" class="link" onClick={() => void upload(u)}>
                    {t('retry')}
                  </button>
                </span>
              ) : (
                <span class="mark">{t('sending')}</span>
              )}
            </li>
          ))}
        </ul>
        {state.position !== null && !state.agent && !state.ended && (
          <p class="note" role="status">
            {t('place', { position: state.position })}
            {t('sentenceGap')}
            {state.waitSeconds !== null ? t('wait', { minutes: Math.max(1, Math.round(state.waitSeconds / 60)) }) : t('waitSoon')}
          </p>
        )}
        {state.typing && <p class="note">{t('typing', { name: state.typing })}</p>}
        {state.ended && !state.rated && !state.unanswered && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (score) socket?.send({ type: 'rate', score, comment: comment.trim() || null, expectation });
            }}
          >
            <p class="note">{t('rate')}</p>
            <div class="stars" role="group" aria-label={t('rate')}>
              {[1, 2, 3, 4, 5].map((n) => (
                <button key={n} type="button" aria-pressed={score >= n} aria-label={`${n} / 5`} onClick={() => setScore(n)}>
                  ★
                </button>
              ))}
            </div>
            {state.askExpectation && (
              <div class="choices" role="group" aria-label={t('expectation')}>
                <p class="note">{t('expectation')}</p>
                {(
                  [
                    ['worse', 'worse'],
                    ['as_expected', 'asExpected'],
                    ['better', 'better'],
                  ] as const
                ).map(([value, key]) => (
                  <button key={value} type="button" class="choice" aria-pressed={expectation === value} onClick={() => setExpectation(value)}>
                    {t(key)}
                  </button>
                ))}
              </div>
            )}
            <label>
              {t('comment')}
              <textarea maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
            </label>
            <button class="primary" type="submit" disabled={!score}>
              {t('submitRating')}
            </button>
          </form>
        )}
        {state.rated && <p class="note" role="status">{t('thanks')}</p>}
        {state.ended && (
          <p class="note">
            <button type="button" class="link" onClick={props.onNewChat}>
              {t('newChat')}
            </button>
          </p>
        )}
        {state.error && <p class="error" role="alert">{t(state.error)}</p>}
        <div ref={bottom} aria-hidden="true" />
      </div>
      {!state.ended && (
        <form class="composer" onSubmit={send}>
          <textarea
            aria-label={t('message')}
            placeholder={t('placeholder')}
            maxLength={5000}
            value={draft}
            onInput={(e) => typing(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) send(e);
            }}
          />
          <label class="attach" title={t('attach')}>
            <input type="file" multiple accept="image/*,application/pdf,text/plain,.zip,.docx,.xlsx" aria-label={t('attach')} onChange={pick} />
            <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" aria-hidden="true">
              <path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7" />
            </svg>
          </label>
          <button class="primary" type="submit">
            {t('send')}
          </button>
        </form>
      )}
      {!state.ended &&
        (ending ? (
          <p class="status" role="group" aria-label={t('endChat')}>
            {t('endSure')}{' '}
            <button
              type="button"
              class="link"
              onClick={() => {
                socket?.send({ type: 'end', ticket: state.ticket });
                setEnding(false);
              }}
            >
              {t('endYes')}
            </button>{' '}
            <button type="button" class="link" onClick={() => setEnding(false)}>
              {t('endNo')}
            </button>
          </p>
        ) : (
          <p class="status">
            <button type="button" class="link" onClick={() => setEnding(true)}>
              {t('endChat')}
            </button>
          </p>
        ))}
    </>
  );
}

/** Mounts the widget for the `<script>` tag that loaded this file. */
function mount() {
  const script = document.currentScript as HTMLScriptElement | null;
  const widget = script?.dataset.kefuWidget;
  if (!script || !widget) return;
  const embed = { base: new URL(script.src).origin, widget };
  const host = document.createElement('div');
  host.setAttribute('data-kefu-chat', '');
  const shadow = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  shadow.adoptedStyleSheets = [sheet];
  document.body.appendChild(host);
  render(<Widget embed={embed} />, shadow);
}

mount();
