/** Notes Kefu numbers among a chat's lines (an agent joined, the chat was passed on, its agent
 * left, it ended), in the console's language. */
import type { Translate } from '../i18n';
import type { ChatNote } from './protocol';

/** The note in the reader's words, or null for a kind this console does not know (show the
 * line's own text then). */
export function noteText(t: Translate, note: ChatNote): string | null {
  switch (note.event) {
    case 'joined':
      return t('chat.note.joined', { agent: note.agent });
    case 'transferred':
      return t('chat.note.transferred');
    case 'requeued':
      return t('chat.note.requeued', { agent: note.agent });
    case 'ended':
      return note.by === 'agent' && note.agent ? t('chat.note.endedByAgentNamed', { agent: note.agent }) : t(`chat.note.endedBy.${note.by}`);
    default:
      return null;
  }
}

/** The note a ticket's event message carries, if it is one of a chat's. */
export function noteOf(data: unknown): ChatNote | null {
  const note = (data as { chat_note?: ChatNote } | null)?.chat_note;
  return note && typeof note.event === 'string' ? note : null;
}
