/** What the widget shows, as it follows the gateway's frames. */
import type { ChatFile, ChatNote, ServerFrame, Stage } from '../chat/protocol';
export { TYPING_EXPIRES_MS } from '../chat/protocol';
import type { Key } from './strings';

export interface Line {
  seq: number;
  text: string;
  author: string;
  mine: boolean;
  clientId: string | null;
  files: ChatFile[];
  /** What happened, on a line Kefu wrote (an agent joined, the chat was passed on or ended). */
  note: ChatNote | null;
}

export interface WidgetState {
  ticket: string | null;
  lines: Line[];
  position: number | null;
  waitSeconds: number | null;
  agent: string | null;
  typing: string | null;
  /** Counts typing marks, so a mark not renewed (the agent stopped) can expire. */
  typingBeat: number;
  readUpTo: number;
  ended: boolean;
  /** Whether the rating form asks if it was what the visitor expected. */
  askExpectation: boolean;
  rated: boolean;
  /** Ended by Kefu because the visitor left before anyone answered: nothing to rate. */
  unanswered: boolean;
  left: number | null;
  openStages: Stage[] | null;
  /** The last error the gateway sent, as the visitor's words for it. */
  error: Key | null;
}

/** The words for a note, in the visitor's language (null for a kind this widget does not know). */
export function noteText(note: ChatNote): { key: Key; params?: Record<string, string> } | null {
  switch (note.event) {
    case 'joined':
      return { key: 'joined', params: { agent: note.agent } };
    case 'transferred':
      return { key: 'transferred' };
    case 'requeued':
      return { key: 'requeued', params: { agent: note.agent } };
    case 'ended':
      return { key: note.by === 'system' ? 'endedUnanswered' : 'ended' };
    default:
      return null;
  }
}

/** The visitor's words for an error the gateway sent, by its code; others are "try again". */
function errorText(code: string, message: string): Key {
  switch (code) {
    case 'rate_limited':
      return 'errorTooFast';
    case 'chat_ended':
      return 'errorChatEnded';
    case 'chat_offline':
      return 'errorOffline';
    case 'invalid_text':
      return message.startsWith('name ') ? 'errorName' : 'errorText';
    case 'invalid_email':
      return 'errorEmail';
    case 'email_required':
      return 'errorEmailRequired';
    case 'text_required':
      return 'errorTextRequired';
    default:
      return 'error';
  }
}

/** How far the visitor has seen a chat with the panel open. */
export interface Seen {
  ticket: string;
  seq: number;
}

/** How many lines from the business the visitor has not seen yet (the folded launcher's count):
 * none on a chat that ended, or in a browser that never kept how far it saw (a chat from
 * before the count, replayed on every page); all of a chat newer than the one seen. */
export function unseen(state: WidgetState, seen: Seen | null): number {
  if (state.ended || !seen) return 0;
  const after = seen.ticket === state.ticket ? seen.seq : 0;
  return state.lines.filter((l) => !l.mine && !l.note && l.seq > after).length;
}

export const initial: WidgetState = {
  ticket: null,
  lines: [],
  position: null,
  waitSeconds: null,
  agent: null,
  typing: null,
  typingBeat: 0,
  readUpTo: 0,
  ended: false,
  askExpectation: false,
  rated: false,
  unanswered: false,
  left: null,
  openStages: null,
  error: null,
};

export type Action = ServerFrame | { type: 'reset' } | { type: 'typing_expired' };

/** The state after a frame. */
export function reduce(state: WidgetState, frame: Action): WidgetState {
  switch (frame.type) {
    case 'reset':
      return { ...initial, openStages: state.openStages };
    case 'availability':
      return { ...state, openStages: frame.open_stages };
    case 'started':
      return state.ticket === frame.ticket ? state : { ...initial, ticket: frame.ticket, openStages: state.openStages };
    case 'message_left':
      return { ...state, left: frame.number, error: null };
    case 'message': {
      const ticket = state.ticket ?? frame.ticket;
      if (ticket !== frame.ticket || state.lines.some((l) => l.seq === frame.seq)) return { ...state, ticket };
      const line: Line = {
        seq: frame.seq,
        text: frame.text,
        author: frame.author.name,
        mine: frame.author.kind === 'visitor',
        clientId: null,
        files: frame.files ?? [],
        note: frame.note ?? null,
      };
      const lines = [...state.lines, line].sort((a, b) => a.seq - b.seq);
      // The agent left: the chat waits again, and the widget shows its place in the queue.
      const agent = line.note?.event === 'requeued' ? null : state.agent;
      const typing = line.mine || line.note ? state.typing : null;
      return { ...state, ticket, lines, agent, typing };
    }
    case 'ack':
      return {
        ...state,
        ticket: state.ticket ?? frame.ticket,
        lines: state.lines.map((l) => (l.seq === frame.seq ? { ...l, clientId: frame.client_id } : l)),
        error: null,
      };
    case 'queue_position':
      if (state.ticket && frame.ticket !== state.ticket) return state;
      return { ...state, ticket: frame.ticket, position: frame.position, waitSeconds: frame.expected_wait_seconds };
    case 'assigned':
      if (state.ticket && frame.ticket !== state.ticket) return state;
      return {
        ...state,
        ticket: frame.ticket,
        agent: frame.agent,
        position: null,
      };
    case 'transferred':
      return { ...state, agent: null };
    case 'typing_expired':
      return { ...state, typing: null };
    case 'typing':
      if (state.ticket && frame.ticket !== state.ticket) return state;
      return { ...state, typing: frame.typing ? frame.author.name || '…' : null, typingBeat: state.typingBeat + 1 };
    case 'read':
      // An earlier chat's mark (a resume replays each chat's) is not this one's.
      if (state.ticket && frame.ticket !== state.ticket) return state;
      return { ...state, readUpTo: Math.max(state.readUpTo, frame.up_to) };
    case 'ended':
      if (state.ticket && frame.ticket !== state.ticket) return state;
      return {
        ...state,
        ticket: frame.ticket,
        ended: true,
        askExpectation: frame.ask_expectation ?? false,
        rated: state.rated || (frame.rated ?? false),
        unanswered: frame.by === 'system',
        typing: null,
      };
    case 'rated':
      return { ...state, rated: true };
    case 'error':
      // The page address is the widget's own report, not something the visitor did.
      if (frame.code === 'invalid_page_url') return state;
      return { ...state, error: errorText(frame.code, frame.message) };
    default:
      return state;
  }
}
