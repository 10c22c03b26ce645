import { useEffect, useState } from 'preact/hooks';

/** Where the console is: a path and its query string. */
export interface Place {
  path: string;
  search: string;
}

const listeners = new Set<() => void>();

function current(): Place {
  return { path: window.location.pathname, search: window.location.search };
}

/** Goes to `url` inside the console without reloading. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    window.history.replaceState(null, '', url);
  } else {
    window.history.pushState(null, '', url);
  }
  listeners.forEach((listener) => listener());
}

/** The current place, updated on navigation and on Back/Forward. */
export function usePlace(): Place {
  const [place, setPlace] = useState(current);
  useEffect(() => {
    const update = () => setPlace(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return place;
}

/** Matches `/tickets/:id` style patterns; returns the named segments or `null`. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = decodeURIComponent(have[i]!);
    if (w.startsWith(':')) params[w.slice(1)] = h;
    else if (w !== h) return null;
  }
  return params;
}

/** Handles a click on an in-console link: plain left clicks navigate without a reload. */
export function onLinkClick(event: MouseEvent, href: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(href);
}
