import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api/client';

/** Something loaded asynchronously: its value, whether it is loading, and its error. */
export interface Loaded<T> {
  value: T | undefined;
  /** True until the value (or error) for the current `deps` has arrived; an older value may
   * still be shown meanwhile. */
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; the latest run wins. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  // The inputs the shown value or error answers; until they are this render's, it is loading
  // (effects run after rendering, so `loading` alone would lag a render behind new inputs).
  const [settled, setSettled] = useState<unknown[] | null>(null);
  const inputs = [...deps, generation];
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    setLoading(true);
    setError(null);
    load().then(
      (result) => {
        if (run !== latest.current) return;
        setValue(result);
        setSettled(inputs);
        setLoading(false);
      },
      (cause: unknown) => {
        if (run !== latest.current) return;
        setError(cause instanceof ApiError ? cause : new ApiError(0, 'error', String(cause)));
        setSettled(inputs);
        setLoading(false);
      },
    );
  }, inputs);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = settled !== null && sameInputs(settled, inputs);
  return { value, loading: loading || !current, error, reload };
}

function sameInputs(a: unknown[], b: unknown[]): boolean {
  // As Preact compares an effect's inputs, so that `loading` ends when the effect has run.
  return a.length === b.length && a.every((input, i) => input === b[i]);
}

/** Calls the latest `handler` for key presses outside text fields. The listener is added once;
 * the handler is read at key time, so it always sees the current render's state. */
export function useShortcuts(handler: (event: KeyboardEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing =
        target &&
        (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
      if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
      latest.current(event);
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

/** The time now, refreshed every `everyMs`: for countdowns. */
export function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
