/**
 * Files in chats, shared by the widget and the console: sending one as a chat line (the same
 * client id sent again is stored once) and showing one (a thumbnail for pictures, a link for
 * the rest).
 */
import type { ChatFile } from './protocol';

/** A file being sent, or that failed to send. */
export interface Upload {
  clientId: string;
  file: File;
  error: string | null;
}

/** What sending a file answered: the line's sequence, or why not. */
export type SendResult = { ok: true; seq: number } | { ok: false; status: number; code: string; message: string };

/** Sends `file` as a chat line to the API at `base` (`''` for the console's own origin). */
export async function sendFile(
  base: string,
  upload: Upload,
  ticket: string | null,
  headers: Record<string, string>,
): Promise<SendResult> {
  const query = new URLSearchParams({ client_id: upload.clientId, name: upload.file.name });
  if (ticket) query.set('ticket', ticket);
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1/chat/files?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      body: upload.file,
      credentials: base ? 'omit' : 'same-origin',
    });
  } catch (error) {
    return { ok: false, status: 0, code: 'network', message: String(error) };
  }
  if (response.ok) {
    const body = (await response.json()) as { seq: number };
    return { ok: true, seq: body.seq };
  }
  const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string; title?: string };
  return {
    ok: false,
    status: response.status,
    code: problem.code ?? 'error',
    message: problem.detail ?? problem.title ?? String(response.status),
  };
}

/** A size people read: 820 B, 14 KB, 3.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file on a line: its thumbnail (opening the picture) or a download link. */
export function FileView({ file, base }: { file: ChatFile; base: string }) {
  const href = `${base}${file.url}`;
  if (file.thumbnail_url) {
    const scale = file.width && file.height ? Math.min(1, 240 / Math.max(file.width, file.height)) : 1;
    return (
      <a class="chat-file picture" href={href} target="_blank" rel="noopener noreferrer">
        <img
          src={`${base}${file.thumbnail_url}`}
          alt={file.name}
          width={file.width ? Math.round(file.width * scale) : undefined}
          height={file.height ? Math.round(file.height * scale) : undefined}
          loading="lazy"
        />
      </a>
    );
  }
  return (
    <a class="chat-file document" href={href} target="_blank" rel="noopener noreferrer" download={file.name}>
      <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" aria-hidden="true">
        <path d="M6 3h8l4 4v14H6zM14 3v4h4" />
      </svg>{' '}
      {file.name} <small>({formatSize(file.size)})</small>
    </a>
  );
}
