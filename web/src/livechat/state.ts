/** What an agent's console knows of live chat, as it follows the gateway's frames. */
import type { CallPop, ChatFile, ChatNote, Handover, Presence, QueuedChat, ServerFrame } from '../chat/protocol';

export interface ChatLine {
  seq: number;
  text: string;
  files: ChatFile[];
  author: string;
  fromVisitor: boolean;
  at: string;
  /** What happened, on a line Kefu wrote (an agent joined, the chat was passed on or ended). */
  note: ChatNote | null;
}

export interface OpenChat {
  ticket: string;
  number: number | null;
  visitor: string;
  pageUrl: string | null;
  language: string | null;
  browser: string | null;
  customer: string | null;
  /** Who passed it to this agent and their note, when it was transferred. */
  handover: Handover | null;
  lines: ChatLine[];
  visitorTyping: boolean;
  /** Counts the visitor's typing marks, so one not renewed can expire. */
  typingBeat: number;
  visitorReadUpTo: number;
  ended: boolean;
  transferred: boolean;
  /** Taken back while this agent was away or gone: it waits for someone else (or them again). */
  released: boolean;
}

export interface LiveState {
  connected: boolean;
  presence: Presence;
  /** Waiting and offered chats of the agent's teams, by ticket. */
  queue: Record<string, QueuedChat>;
  /** Chats offered to this agent. */
  offers: Record<string, QueuedChat>;
  /** Chats this agent serves or served in this session, in the order they were opened. */
  chats: OpenChat[];
  /** Bumped on every ticket change, so pages reload. */
  changes: number;
  lastChanged: string | null;
  /** The code of the last error the gateway sent (the dock says it in the agent's words). */
  error: string | null;
  /** Calls popped up at this agent, newest first, until dismissed. */
  calls: CallPop[];
}

export const initial: LiveState = {
  connected: false,
  presence: 'online',
  queue: {},
  offers: {},
  chats: [],
  changes: 0,
  lastChanged: null,
  error: null,
  calls: [],
};

export type LiveAction =
  | ServerFrame
  | { type: 'connected'; connected: boolean }
  | { type: 'chosen'; presence: Presence }
  | { type: 'close_chat'; ticket: string }
  | { type: 'typing_expired'; ticket: string }
  | { type: 'dismiss_error' }
  | { type: 'dismiss_call'; id: string };

function withChat(state: LiveState, ticket: string, change: (chat: OpenChat) => OpenChat): LiveState {
  const known = state.chats.find((c) => c.ticket === ticket);
  const queued = state.queue[ticket] ?? state.offers[ticket];
  const base: OpenChat = known ?? {
    ticket,
    number: queued?.number ?? null,
    visitor: queued?.visitor ?? '',
    pageUrl: queued?.page_url ?? null,
    language: queued?.language ?? null,
    browser: queued?.browser ?? null,
    customer: queued?.customer ?? null,
    handover: queued?.handover ?? null,
    lines: [],
    visitorTyping: false,
    typingBeat: 0,
    visitorReadUpTo: 0,
    ended: false,
    transferred: false,
    released: false,
  };
  const next = change(base);
  return {
    ...state,
    chats: known ? state.chats.map((c) => (c.ticket === ticket ? next : c)) : [...state.chats, next],
  };
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** The state after a frame or an action of the agent. */
export function reduce(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'connected':
      return { ...state, connected: action.connected };
    case 'chosen':
    case 'own_presence':
      // Chosen here, or as the gateway has it (after connecting, or chosen in another tab).
      return { ...state, presence: action.presence };
    case 'dismiss_error':
      return { ...state, error: null };
    case 'typing_expired':
      return state.chats.some((c) => c.ticket === action.ticket)
        ? withChat(state, action.ticket, (c) => ({ ...c, visitorTyping: false }))
        : state;
    case 'close_chat':
      return { ...state, chats: state.chats.filter((c) => c.ticket !== action.ticket) };
    case 'queue_snapshot':
      return { ...state, queue: Object.fromEntries(action.chats.map((c) => [c.ticket, c])) };
    case 'queue_update':
      return { ...state, queue: { ...state.queue, [action.chat.ticket]: action.chat } };
    case 'queue_removed':
      return { ...state, queue: without(state.queue, action.ticket), offers: without(state.offers, action.ticket) };
    case 'offered':
      return { ...state, offers: { ...state.offers, [action.chat.ticket]: action.chat } };
    case 'serving': {
      // A chat this agent serves, after a reload: the visitor's details and any handover.
      const q = action.chat;
      return withChat(state, q.ticket, (c) => ({
        ...c,
        number: q.number,
        visitor: q.visitor,
        pageUrl: q.page_url,
        language: q.language,
        browser: q.browser ?? null,
        customer: q.customer,
        handover: q.handover ?? null,
      }));
    }
    case 'assigned': {
      // Taken over (again): the offer or queue entry brings who passed it on.
      const queued = state.offers[action.ticket] ?? state.queue[action.ticket];
      const next = withChat(state, action.ticket, (c) => ({
        ...c,
        handover: queued?.handover ?? c.handover,
        ended: false,
        transferred: false,
        released: false,
      }));
      return { ...next, offers: without(next.offers, action.ticket), error: null };
    }
    case 'message':
      return withChat(state, action.ticket, (c) =>
        c.lines.some((l) => l.seq === action.seq)
          ? c
          : {
              ...c,
              visitorTyping: action.author.kind === 'visitor' || action.note?.event === 'requeued' ? false : c.visitorTyping,
              // Its agent left (away or gone past the grace period): no longer theirs to write in.
              released: c.released || action.note?.event === 'requeued',
              visitor: c.visitor || (action.author.kind === 'visitor' ? action.author.name : ''),
              lines: [
                ...c.lines,
                {
                  seq: action.seq,
                  text: action.text,
                  files: action.files ?? [],
                  author: action.author.name,
                  fromVisitor: action.author.kind === 'visitor',
                  at: action.at,
                  note: action.note ?? null,
                },
              ].sort((a, b) => a.seq - b.seq),
            },
      );
    case 'typing':
      return state.chats.some((c) => c.ticket === action.ticket)
        ? withChat(state, action.ticket, (c) => ({ ...c, visitorTyping: action.typing, typingBeat: c.typingBeat + 1 }))
        : state;
    case 'visitor_page':
      return state.chats.some((c) => c.ticket === action.ticket)
        ? withChat(state, action.ticket, (c) => ({ ...c, pageUrl: action.page_url }))
        : state;
    case 'read':
      return state.chats.some((c) => c.ticket === action.ticket)
        ? withChat(state, action.ticket, (c) => ({ ...c, visitorReadUpTo: Math.max(c.visitorReadUpTo, action.up_to) }))
        : state;
    case 'transferred':
      return state.chats.some((c) => c.ticket === action.ticket)
        ? withChat(state, action.ticket, (c) => ({ ...c, transferred: true }))
        : state;
    case 'ended':
      return withChat({ ...state, offers: without(state.offers, action.ticket) }, action.ticket, (c) => ({
        ...c,
        ended: true,
        visitorTyping: false,
      }));
    case 'ticket_changed':
      return { ...state, changes: state.changes + 1, lastChanged: action.ticket };
    case 'screen_pop':
      // The call's latest step replaces its earlier one; its ticket changed too.
      return {
        ...state,
        calls: [action.call, ...state.calls.filter((c) => c.id !== action.call.id)].slice(0, 5),
        changes: state.changes + 1,
        lastChanged: action.call.ticket_id,
      };
    case 'dismiss_call':
      return { ...state, calls: state.calls.filter((c) => c.id !== action.id) };
    case 'error':
      return { ...state, error: action.code };
    default:
      return state;
  }
}
