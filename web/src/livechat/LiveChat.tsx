/**
 * Live chat in the console: one socket per tab to the chat gateway, shared by the chat dock
 * (presence, the waiting chats, the chats being served side by side) and by the pages that
 * reload when a ticket changes.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useReducer, useRef } from 'preact/hooks';
import { api, ok } from '../api/client';
import { ChatSocket } from '../chat/socket';
import type { ClientFrame, Presence } from '../chat/protocol';
import { initial, reduce, type LiveAction, type LiveState } from './state';

export interface LiveChat {
  state: LiveState;
  send: (frame: ClientFrame) => boolean;
  say: (ticket: string, text: string) => void;
  choose: (presence: Presence) => void;
  dispatch: (action: LiveAction) => void;
  unacknowledged: (ticket: string) => { client_id: string; text: string }[];
}

const LiveChatContext = createContext<LiveChat | null>(null);

/** The console's live chat, if it is running (it is, once signed in). */
export function useLiveChat(): LiveChat | null {
  return useContext(LiveChatContext);
}

/** Calls `reload` when a ticket changes (all tickets, or just `ticket`), at most every second. */
export function useTicketChanges(reload: () => void, ticket?: string): void {
  const live = useLiveChat();
  const changes = live?.state.changes ?? 0;
  const last = live?.state.lastChanged;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (ticket && last !== ticket) return;
    const timer = setTimeout(reload, 300);
    return () => clearTimeout(timer);
  }, [changes]);
}

/** A short chime for a new chat offer (no file to load). */
function chime(): void {
  try {
    const context = new AudioContext();
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.15, context.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.4);
    tone.connect(volume).connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.4);
  } catch {
    // No sound (autoplay rules before the first click): the dock still shows the offer.
  }
}

export function LiveChatProvider(props: {
  children: ComponentChildren;
  /** The desktop notification's title for an offered chat (passed on to the agent, or new). */
  notifyTitle: (visitor: string, passedOn: boolean) => string;
}) {
  const [state, dispatch] = useReducer(reduce, initial);
  const socket = useRef<ChatSocket | null>(null);
  const seen = useRef(new Map<string, number>());
  const title = useRef(props.notifyTitle);
  title.current = props.notifyTitle;

  useEffect(() => {
    const chat = new ChatSocket({
      seen: seen.current,
      credentials: async () => {
        const ticket = await ok(api.POST('/api/v1/chat/socket-tickets'));
        return { token: ticket.token, socket_url: ticket.socket_url };
      },
      onState: (connected) => dispatch({ type: 'connected', connected }),
      onFrame: (frame) => {
        dispatch(frame);
        if (frame.type === 'offered') {
          chime();
          if ('Notification' in window && Notification.permission === 'granted' && document.hidden) {
            new Notification(title.current(frame.chat.visitor, Boolean(frame.chat.handover)));
          }
        }
      },
    });
    socket.current = chat;
    void chat.start();
    return () => chat.stop();
  }, []);

  const value = useMemo<LiveChat>(
    () => ({
      state,
      dispatch,
      send: (frame) => socket.current?.send(frame) ?? false,
      say: (ticket, text) => {
        socket.current?.say(ticket, text);
      },
      choose: (presence) => {
        if (socket.current?.send({ type: 'presence', presence })) dispatch({ type: 'chosen', presence });
      },
      unacknowledged: (ticket) => socket.current?.unacknowledged.filter((p) => p.ticket === ticket) ?? [],
    }),
    [state],
  );
  return <LiveChatContext.Provider value={value}>{props.children}</LiveChatContext.Provider>;
}
