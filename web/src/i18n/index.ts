import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

/** The languages the console speaks. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** Picks a supported locale from a preference list (`zh-TW`, `zh-Hans-CN` → `zh-CN`). */
export function pickLocale(preferences: readonly (string | null | undefined)[]): Locale {
  for (const tag of preferences) {
    const primary = tag?.toLowerCase().split(/[-_]/)[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** Fills `{name}` placeholders. */
export function interpolate(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A translator for one locale. */
export function translator(locale: Locale) {
  const catalogue = CATALOGUES[locale];
  return (key: MessageKey, params?: Record<string, string | number>) =>
    interpolate(catalogue[key] ?? en[key], params);
}

export type Translate = ReturnType<typeof translator>;

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale: (locale: Locale) => void;
}

export const I18nContext = createContext<I18n>({
  locale: 'en',
  t: translator('en'),
  setLocale: () => {},
});

/** The current language and its translator. */
export function useI18n(): I18n {
  return useContext(I18nContext);
}

export type { MessageKey };
