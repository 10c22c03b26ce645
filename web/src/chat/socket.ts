/**
 * A chat socket that looks after itself: it gets a fresh token for every connection, says
 * `hello` with the last sequence seen of each conversation, sends unacknowledged lines again
 * with their own ids, pings, and reconnects with growing pauses after a drop or a "going
 * away". Nothing the user wrote is lost while the page stays open.
 */
import { PROTOCOL, type ClientFrame, type ServerFrame } from './protocol';

export interface Pending {
  client_id: string;
  ticket: string | null;
  text: string;
}

export interface ChatSocketOptions {
  /** A token and the gateway's address for the next connection. */
  credentials: () => Promise<{ token: string; socket_url: string }>;
  /** Every frame the gateway sends. */
  onFrame: (frame: ServerFrame) => void;
  /** Connected (after `welcome`) or not. */
  onState?: (connected: boolean) => void;
  /** The last sequence seen of each conversation, kept across reloads by the caller. */
  seen: Map<string, number>;
}

const MAX_PAUSE_MS = 15_000;

/** A random id for a line. */
export function newClientId(): string {
  return crypto.randomUUID();
}

export class ChatSocket {
  private ws: WebSocket | null = null;
  private pending = new Map<string, Pending>();
  private pause = 500;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private welcomed = false;

  constructor(private readonly options: ChatSocketOptions) {}

  /** Connects (and keeps reconnecting until `stop`). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Closes the socket for good. */
  stop(): void {
    this.stopped = true;
    if (this.pinger) clearInterval(this.pinger);
    this.ws?.close(1000, 'bye');
    this.ws = null;
  }

  /** Whether the socket is open and welcomed. */
  get connected(): boolean {
    return this.welcomed;
  }

  /** Lines sent and not yet acknowledged. */
  get unacknowledged(): Pending[] {
    return [...this.pending.values()];
  }

  /** Sends a frame now if connected (frames other than lines are not kept). */
  send(frame: ClientFrame): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.welcomed) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a line; kept and sent again after reconnecting until the gateway acknowledges it. */
  say(ticket: string | null, text: string, client_id = newClientId()): Pending {
    const line = { client_id, ticket, text };
    this.pending.set(client_id, line);
    this.send({ type: 'send', ...line });
    return line;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let credentials;
    try {
      credentials = await this.options.credentials();
    } catch {
      this.retry();
      return;
    }
    const ws = new WebSocket(credentials.socket_url);
    this.ws = ws;
    ws.onopen = () => {
      const resume = [...this.options.seen].map(([ticket, after]) => ({ ticket, after }));
      ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL, token: credentials.token, resume }));
    };
    ws.onmessage = (event) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data)) as ServerFrame;
      } catch {
        return;
      }
      this.receive(frame, ws);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.welcomed = false;
      if (this.pinger) clearInterval(this.pinger);
      this.options.onState?.(false);
      this.retry();
    };
  }

  private receive(frame: ServerFrame, ws: WebSocket): void {
    switch (frame.type) {
      case 'welcome':
        this.welcomed = true;
        this.pause = 500;
        if (this.pinger) clearInterval(this.pinger);
        this.pinger = setInterval(
          () => this.send({ type: 'ping', nonce: null }),
          Math.max(5, frame.ping_seconds) * 1000,
        );
        this.options.onState?.(true);
        for (const line of this.pending.values()) {
          ws.send(JSON.stringify({ type: 'send', ...line }));
        }
        break;
      case 'ack':
        this.pending.delete(frame.client_id);
        break;
      case 'error': {
        const line = frame.client_id ? this.pending.get(frame.client_id) : undefined;
        if (!line) break;
        if (frame.code === 'unavailable' || frame.code === 'rate_limited') {
          // Not stored: the same line, with the same id, goes again shortly.
          setTimeout(() => this.send({ type: 'send', ...line }), 2_000);
        } else {
          this.pending.delete(line.client_id);
        }
        break;
      }
      case 'message': {
        const last = this.options.seen.get(frame.ticket) ?? 0;
        if (frame.seq > last) this.options.seen.set(frame.ticket, frame.seq);
        break;
      }
      case 'started':
        if (!this.options.seen.has(frame.ticket)) this.options.seen.set(frame.ticket, 0);
        for (const line of this.pending.values()) if (line.ticket === null) line.ticket = frame.ticket;
        break;
      default:
        break;
    }
    this.options.onFrame(frame);
  }

  private retry(): void {
    if (this.stopped) return;
    const wait = this.pause + Math.random() * 250;
    this.pause = Math.min(this.pause * 2, MAX_PAUSE_MS);
    setTimeout(() => void this.connect(), wait);
  }
}
