import { interpolate, type Locale } from './i18n';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "5 min ago" / "5 分钟前": the largest whole unit between `date` and `now`. */
export function relativeTime(date: Date, now: Date, locale: Locale): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return format.format(0, 'minute');
}

/** A browser's language tag by name in `locale` ("American English (en-US)"), or the tag as
 * it came when it names no language. */
export function languageName(tag: string, locale: Locale): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/** A date and time in the reader's language and time zone. */
export function dateTime(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Seconds as minutes and seconds, e.g. "3 min 5 s". */
export function duration(totalSeconds: number, pattern: string): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return interpolate(pattern, { minutes, seconds });
}

/** Reads "3:25", "3m25s", "205" or "3 25" as seconds; `null` if it is none of those. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  const colon = /^(\d{1,3}):([0-5]?\d)$/.exec(trimmed);
  if (colon) return Number(colon[1]) * 60 + Number(colon[2]);
  const words = /^(?:(\d{1,3})\s*m(?:in)?)?\s*(?:(\d{1,2})\s*s)?$/i.exec(trimmed);
  if (words && (words[1] || words[2])) return Number(words[1] ?? 0) * 60 + Number(words[2] ?? 0);
  if (/^\d{1,5}$/.test(trimmed)) return Number(trimmed);
  return null;
}

/** A ticket's number as people say it: `#1042`. */
export function ticketNumber(number: number): string {
  return `#${number}`;
}

/** A span of time for a countdown: "1 d 4 h", "2 h 5 min", "4 min 10 s", in `patterns`'s
 * words (`days`, `hours`, `minutes` patterns with `{d}`, `{h}`, `{m}`, `{s}`). */
export function span(totalSeconds: number, patterns: { days: string; hours: string; minutes: string }): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d > 0) return interpolate(patterns.days, { d, h });
  if (h > 0) return interpolate(patterns.hours, { h, m: String(m).padStart(2, '0') });
  return interpolate(patterns.minutes, { m, s: String(s).padStart(2, '0') });
}
