import { useState } from 'preact/hooks';
import { ApiError, api, ok, type Schemas } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';

type Macro = Schemas['MacroResponse'];

/** The `/word` being typed at the start of a line just before the caret, if any. */
export function slashQuery(text: string, caret: number): string | null {
  const match = /(?:^|\n)\/([^\s/]*)$/.exec(text.slice(0, caret));
  return match ? (match[1] ?? '') : null;
}

/** Whether a macro matches what follows the `/`: its shortcut first, then its title or texts. */
export function macroMatches(macro: Macro, query: string): boolean {
  const q = query.toLowerCase();
  return [macro.shortcut, macro.title, macro.text_en, macro.text_zh].some((field) => field?.toLowerCase().includes(q));
}

/** Typing `/` at the start of a line offers the agent's macros; picking one applies it to the
 * ticket and puts its reply, filled in, where the `/word` was. */
export function useSlashMacros(props: {
  ticketId: string;
  text: string;
  setText: (text: string) => void;
  onApplied: () => void;
}) {
  const macros = useLoad(() => ok(api.GET('/api/v1/macros')), []);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const query = slashQuery(props.text, caret);
  const open = query !== null && closed !== props.text;
  const matches = open ? (macros.value?.items ?? []).filter((m) => macroMatches(m, query ?? '')).slice(0, 8) : [];
  const pick = async (macro: Macro) => {
    setError(null);
    try {
      const applied = await ok(
        api.POST('/api/v1/tickets/{id}/macros/{macro_id}', { params: { path: { id: props.ticketId, macro_id: macro.id } } }),
      );
      const before = props.text.slice(0, caret).replace(/\/[^\s/]*$/, '');
      props.setText(`${before}${applied.text ?? ''}${props.text.slice(caret)}`);
      setCaret(before.length + (applied.text ?? '').length);
      props.onApplied();
    } catch (cause) {
      setError(cause as ApiError);
    }
  };
  /** Call from the textarea's `onKeyDown`; true when the picker used the key. */
  const onKeyDown = (event: KeyboardEvent): boolean => {
    if (!open || matches.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + matches.length) % matches.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      const chosen = matches[Math.min(active, matches.length - 1)];
      if (chosen) void pick(chosen);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      setClosed(props.text);
      return true;
    }
    return false;
  };
  /** Call from the textarea's `onInput` and `onKeyUp`/`onClick`, with its caret. */
  const follow = (position: number) => {
    setCaret(position);
    setActive(0);
  };
  return { open: open && matches.length > 0, matches, active, pick, onKeyDown, follow, error };
}

/** The list of macros offered after `/`. */
export function MacroPicker(props: { id: string; matches: Macro[]; active: number; onPick: (m: Macro) => void }) {
  const { t } = useI18n();
  return (
    <ul class="macro-picker" id={props.id} role="listbox" aria-label={t('macros.picker')}>
      {props.matches.map((macro, i) => (
        <li
          key={macro.id}
          role="option"
          aria-selected={i === props.active}
          class={i === props.active ? 'active' : ''}
          onMouseDown={(e) => {
            e.preventDefault();
            props.onPick(macro);
          }}
        >
          {macro.shortcut && <code>/{macro.shortcut}</code>} <strong>{macro.title}</strong>
          {macro.shared && <span class="badge">{t('macros.shared')}</span>}
        </li>
      ))}
    </ul>
  );
}
