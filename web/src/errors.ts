import type { ApiError } from './api/client';
import type { MessageKey, Translate } from './i18n';
import { en } from './i18n/en';

/** An API error in the reader's language (by its stable code), with the server's detail
 * beside it; errors without a translation show the server's message. */
export function describeError(error: ApiError, t: Translate): string {
  const key = `error.${error.code}`;
  if (!(key in en)) return error.message;
  const known = t(key as MessageKey);
  return error.message && error.message !== known ? `${known} (${error.message})` : known;
}
