/**
 * The live-chat protocol, version 1 (docs/chat-protocol.md): the frames the widget and the
 * console exchange with the chat gateway. Mirrors `crates/api-types/src/chat.rs`.
 */

export const PROTOCOL = 1;

export type Stage = 'pre_sale' | 'in_sale' | 'after_sale';
export type Presence = 'online' | 'away' | 'offline';
export type AuthorKind = 'visitor' | 'agent' | 'system';

/** Something that happened in a conversation, numbered among its lines. */
export type ChatNote =
  | { event: 'joined'; agent: string }
  | { event: 'transferred' }
  | { event: 'requeued'; agent: string }
  | { event: 'ended'; by: AuthorKind; agent?: string };

export interface Author {
  kind: AuthorKind;
  name: string;
}

export interface QueuedChat {
  ticket: string;
  number: number;
  visitor: string;
  stage: Stage;
  team: string;
  position: number;
  waiting_since: string;
  offered_to: string | null;
  page_url: string | null;
  language: string | null;
  browser?: string | null;
  customer: string;
  /** Who passed it on and their note, when it was transferred. */
  handover?: Handover | null;
}

/** Who passed a chat on, and their note for the agent taking it over. */
export interface Handover {
  from: string;
  note: string | null;
}

export interface Resume {
  ticket: string;
  after: number;
}

export type ClientFrame =
  | { type: 'hello'; protocol: number; token: string; resume: Resume[] }
  | {
      type: 'start';
      stage: Stage;
      name: string;
      email: string | null;
      text: string | null;
      page_url: string | null;
      language: string | null;
    }
  | {
      type: 'leave_message';
      stage: Stage;
      name: string;
      email: string;
      text: string;
      page_url: string | null;
      language: string | null;
    }
  | { type: 'send'; ticket: string | null; client_id: string; text: string }
  | { type: 'typing'; ticket: string | null; typing: boolean }
  | { type: 'read'; ticket: string | null; up_to: number }
  | { type: 'page'; url: string }
  | { type: 'accept'; ticket: string }
  | { type: 'decline'; ticket: string }
  | { type: 'take'; ticket: string }
  | { type: 'transfer'; ticket: string; to: { agent: string } | { team: string }; note: string | null }
  | { type: 'end'; ticket: string | null }
  | { type: 'rate'; score: number; comment: string | null; expectation?: 'worse' | 'as_expected' | 'better' | null }
  | { type: 'presence'; presence: Presence }
  | { type: 'ping'; nonce: number | null };

/** A file on a chat line; its links are relative to the API's address and carry its key. */
export interface ChatFile {
  id: string;
  name: string;
  content_type: string;
  size: number;
  width?: number | null;
  height?: number | null;
  url: string;
  thumbnail_url?: string | null;
}

/** A call ringing, answered or ended at the agent's extension (or in their team). */
export interface CallPop {
  id: string;
  state: 'ringing' | 'answered' | 'ended' | 'missed';
  direction: 'inbound' | 'outbound';
  number: string;
  customer_id: string;
  customer_name: string;
  ticket_id: string;
  ticket_number: number;
  subject: string;
  new_ticket: boolean;
}

export type ServerFrame =
  | { type: 'welcome'; protocol: number; ping_seconds: number }
  | { type: 'availability'; open_stages: Stage[] }
  | { type: 'started'; ticket: string; number: number }
  | { type: 'message_left'; ticket: string; number: number }
  | { type: 'ticket_changed'; ticket: string; change: string }
  | { type: 'screen_pop'; call: CallPop }
  | { type: 'ack'; client_id: string; ticket: string; seq: number; message: string }
  | {
      type: 'message';
      ticket: string;
      seq: number;
      message: string;
      author: Author;
      text: string;
      files?: ChatFile[];
      /** What happened, on a line Kefu wrote (author `system`): shown in the reader's language. */
      note?: ChatNote;
      at: string;
    }
  | { type: 'typing'; ticket: string; author: Author; typing: boolean }
  | { type: 'read'; ticket: string; up_to: number }
  | { type: 'visitor_page'; ticket: string; page_url: string }
  | { type: 'queue_position'; ticket: string; position: number; expected_wait_seconds: number | null }
  | { type: 'offered'; chat: QueuedChat }
  | { type: 'serving'; chat: QueuedChat }
  | { type: 'assigned'; ticket: string; agent: string }
  | { type: 'transferred'; ticket: string; team: string; note: string | null }
  | { type: 'ended'; ticket: string; by: AuthorKind; ask_expectation?: boolean; rated?: boolean }
  | { type: 'rated'; ticket: string }
  | { type: 'presence'; agent: string; presence: Presence }
  | { type: 'queue_snapshot'; chats: QueuedChat[] }
  | { type: 'queue_update'; chat: QueuedChat }
  | { type: 'own_presence'; presence: Presence }
  | { type: 'queue_removed'; ticket: string }
  | { type: 'error'; code: string; message: string; client_id: string | null }
  | { type: 'pong'; nonce: number | null };

/** How long a typing mark lasts unless renewed (clients renew it every 3 seconds). */
export const TYPING_EXPIRES_MS = 8_000;
