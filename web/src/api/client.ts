import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API's body types, generated from its OpenAPI document. */
export type Schemas = components['schemas'];
export type Ticket = Schemas['TicketResponse'];
export type TicketList = Schemas['TicketList'];
export type Message = Schemas['MessageResponse'];
export type User = Schemas['UserResponse'];
export type Team = Schemas['TeamResponse'];
export type Customer = Schemas['CustomerResponse'];
export type Problem = Schemas['Problem'];
export type Status = Schemas['Status'];
export type Stage = Schemas['Stage'];
export type Channel = Schemas['Channel'];
export type Priority = Schemas['Priority'];
export type Role = Schemas['Role'];
export type UpdateTicket = Schemas['UpdateTicketRequest'];

export const STATUSES: Status[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const STAGES: Stage[] = ['pre_sale', 'in_sale', 'after_sale'];
export const CHANNELS: Channel[] = ['chat', 'email', 'phone', 'web', 'api'];
export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
export const ROLES: Role[] = ['admin', 'agent', 'vendor', 'customer'];

/** An error answer from the API, with its stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

/** Remembers the session's CSRF token; cookie-authenticated writes must echo it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session has ended. */
/** The header a cookie-authenticated write made outside `api` (a file upload) carries. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && WRITES.has(request.method)) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
};

/** The typed client. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Resolves to the body of a successful answer, or throws an `ApiError` with its message. */
export async function ok<T>(request: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await request;
  } catch (cause) {
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause));
  }
  const { data, error, response } = outcome;
  if (response.ok) {
    return data as T;
  }
  const problem = (error ?? {}) as Partial<Problem>;
  const code = problem.code ?? 'http_' + response.status;
  if (response.status === 401 && onSignedOut && code !== 'invalid_credentials') {
    onSignedOut();
  }
  throw new ApiError(response.status, code, problem.detail ?? problem.title ?? response.statusText);
}
