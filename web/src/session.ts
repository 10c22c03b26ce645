import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Team, User } from './api/client';

/** The signed-in agent, and the colleagues and teams the console offers in pickers. */
export interface Session {
  user: User;
  staff: User[];
  teams: Team[];
  /** Reloads colleagues and teams after an admin changed them. */
  refreshDirectory: () => void;
  /** Shows a short confirmation in the status line. */
  notify: (message: string) => void;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session; only used below the signed-in part of the app. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
