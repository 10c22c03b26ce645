import { useEffect, useRef } from 'preact/hooks';
import { type MessageKey, useI18n } from '../i18n';

const SHORTCUTS: [string, MessageKey][] = [
  ['j', 'shortcuts.next'],
  ['k', 'shortcuts.previous'],
  ['Enter', 'shortcuts.open'],
  ['x', 'shortcuts.select'],
  ['/', 'shortcuts.search'],
  ['r', 'shortcuts.reply'],
  ['e', 'shortcuts.solve'],
  ['g / u', 'shortcuts.back'],
  ['?', 'shortcuts.help'],
];

/** The keyboard shortcuts, in a modal dialog closed by Escape or its button. */
export function ShortcutsHelp(props: { onClose: () => void }) {
  const { t } = useI18n();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div class="overlay" onClick={props.onClose}>
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map(([key, label]) => (
              <tr key={key}>
                <th scope="row">
                  <kbd>{key}</kbd>
                </th>
                <td>{t(label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={close} onClick={props.onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
