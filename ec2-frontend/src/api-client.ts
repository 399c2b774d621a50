/**
 * The frontend's client of the students API. Every call has a timeout and reuses kept-alive
 * connections (`http-call`).
 */
import {
  COUNT_ESTIMATE_HEADER,
  DIRECTORY_NOT_READY,
  NEXT_CURSOR_HEADER,
  ORDER_BY_NAME,
  PREV_CURSOR_HEADER,
  RANK_HEADER,
} from '../../core/contract';
import type { FieldError, Student } from '../../core/student';
import type { SignCall } from './api-signer';
import { type CallReply, call } from './http-call';

/** The first students of the unordered list (shown while the name order is being prepared). */
export interface StudentPage {
  readonly students: Student[];
}

/** A page of the directory (the list in name order) or of a search in it. */
export interface DirectoryPage {
  readonly students: Student[];
  /** Token of the next page's first student (`from`). */
  readonly next?: string;
  /** Token the previous page ends before (`before`). */
  readonly prev?: string;
  /** DynamoDB's estimate of how many students there are, when it has one. */
  readonly countEstimate?: number;
  /** How many students come before the page's first one (asked with `rank`). */
  readonly rank?: number;
  /** The API refused the request (a stale or edited link, or a search it cannot run): its message. */
  readonly refused?: string;
  /** The name order cannot be read yet (a new index being filled); the unordered list can. */
  readonly notReady?: boolean;
}

export interface DirectoryQuery {
  readonly limit: number;
  readonly from?: string;
  readonly before?: string;
  readonly q?: string;
  /** Ask how many students come before `from` (the whole list only). */
  readonly rank?: boolean;
}

export type SignupOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'invalid'; readonly message: string; readonly errors: readonly FieldError[] }
  | { readonly kind: 'duplicate'; readonly message: string }
  /** The call may have reached the API: the signup may or may not be stored. */
  | { readonly kind: 'unknown'; readonly reason: string }
  /** The call never left (the connection was refused, the name did not resolve, signing failed): nothing was stored. */
  | { readonly kind: 'not-sent'; readonly reason: string };

/** Failures that happen before a request is sent: the API cannot have seen it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'sign']);

/** Deadlines of the API's calls, in ms. */
export interface ApiTimeouts {
  /** A signup, and any call not listed below. */
  readonly callMs: number;
  /** Reading the list for a page. @default callMs */
  readonly listMs?: number;
}

/** The API could not be used: down, slow, or answering something unexpected. */
export class ApiUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`API unavailable: ${reason}`);
    this.name = 'ApiUnavailableError';
  }
}

function describe(err: unknown): string {
  return (err as { reason?: string })?.reason ?? (err instanceof Error ? err.name : 'error');
}

export type RemovalOutcome = { kind: 'removed' } | { kind: 'not-found' } | { kind: 'failed'; reason: string };

export class StudentsApi {
  constructor(
    private readonly endpoint: string,
    private readonly timeouts: ApiTimeouts,
    /** Signs each call (IAM authorization); unsigned when undefined (public access). */
    private readonly sign?: SignCall,
    /** Signs the staff calls, which are signed-only in every access mode. @default sign */
    private readonly staffSign: SignCall | undefined = sign,
  ) {}

  /** One call, signed when the API takes only signed calls; a failure to sign is a failed call. */
  private async send(url: URL, method: 'GET' | 'POST' | 'DELETE', headers: Record<string, string>, body?: string) {
    let sent: Record<string, string>;
    const sign = method === 'DELETE' ? this.staffSign : this.sign;
    try {
      sent = sign ? await sign(url, method, headers, body) : headers;
    } catch (err) {
      throw Object.assign(new Error(`signing failed: ${(err as Error).message}`), { reason: 'sign' });
    }
    const timeoutMs = method === 'GET' ? (this.timeouts.listMs ?? this.timeouts.callMs) : this.timeouts.callMs;
    return call(url, { method, headers: sent, ...(body === undefined ? {} : { body }), timeoutMs });
  }

  async list(params: { limit: number }, requestId?: string): Promise<StudentPage> {
    const url = new URL(this.endpoint);
    url.searchParams.set('limit', String(params.limit));
    const res = await this.get(url, requestId);
    const body = parseJson(res.text);
    if (res.status !== 200 || !Array.isArray(body)) throw new ApiUnavailableError(`GET answered ${res.status}`);
    return { students: body as Student[] };
  }

  async directory(query: DirectoryQuery, requestId?: string): Promise<DirectoryPage> {
    const url = new URL(this.endpoint);
    url.searchParams.set('order', ORDER_BY_NAME);
    url.searchParams.set('limit', String(query.limit));
    for (const name of ['from', 'before', 'q'] as const) {
      const value = query[name];
      if (value !== undefined) url.searchParams.set(name, value);
    }
    if (query.rank) url.searchParams.set('rank', '1');
    const res = await this.get(url, requestId);
    const body = parseJson(res.text);
    if (res.status === 400) {
      const message = (body as { message?: unknown })?.message;
      return { students: [], refused: typeof message === 'string' ? message : 'The request was refused' };
    }
    if (res.status === 503 && (body as { code?: unknown })?.code === DIRECTORY_NOT_READY)
      return { students: [], notReady: true };
    if (res.status !== 200 || !Array.isArray(body)) throw new ApiUnavailableError(`GET answered ${res.status}`);
    const header = (name: string) => headerOf(res, name);
    const estimate = Number(header(COUNT_ESTIMATE_HEADER));
    const rank = Number(header(RANK_HEADER) ?? Number.NaN);
    return {
      students: body as Student[],
      ...(header(NEXT_CURSOR_HEADER) ? { next: header(NEXT_CURSOR_HEADER) } : {}),
      ...(header(PREV_CURSOR_HEADER) ? { prev: header(PREV_CURSOR_HEADER) } : {}),
      ...(Number.isSafeInteger(estimate) && estimate > 0 ? { countEstimate: estimate } : {}),
      ...(Number.isSafeInteger(rank) && rank >= 0 ? { rank } : {}),
    };
  }

  async signup(student: Student, requestId?: string): Promise<SignupOutcome> {
    let res: CallReply;
    try {
      res = await this.send(
        new URL(this.endpoint),
        'POST',
        { ...this.headers(requestId), 'Content-Type': 'application/json' },
        JSON.stringify(student),
      );
    } catch (err) {
      const reason = describe(err);
      return { kind: NOT_SENT.has(reason) ? 'not-sent' : 'unknown', reason };
    }
    const body = parseJson(res.text);
    const message =
      typeof (body as { message?: unknown })?.message === 'string' ? (body as { message: string }).message : '';
    if (res.status === 200) return { kind: 'ok' };
    if (res.status === 409) return { kind: 'duplicate', message };
    if (res.status === 400 || res.status === 413) {
      const errors = Array.isArray((body as { errors?: unknown })?.errors)
        ? (body as { errors: FieldError[] }).errors
        : [];
      return { kind: 'invalid', message: message || 'The signup was rejected', errors };
    }
    // A 5xx, a timeout or a broken answer: the signup may or may not have been stored.
    return { kind: 'unknown', reason: `POST answered ${res.status}` };
  }

  /**
   * Removes a student for a staff member (`DELETE /student`): 'removed', 'not-found', or a
   * failure to report (nothing is retried: the staff member sees it and may try again).
   */
  async remove(email: string, requestedBy: string, requestId?: string): Promise<RemovalOutcome> {
    try {
      const res = await this.send(
        new URL(this.endpoint),
        'DELETE',
        { ...this.headers(requestId), 'Content-Type': 'application/json' },
        JSON.stringify({ email, requestedBy }),
      );
      if (res.status === 200) return { kind: 'removed' };
      if (res.status === 404) return { kind: 'not-found' };
      return { kind: 'failed', reason: `DELETE answered ${res.status}` };
    } catch (err) {
      return { kind: 'failed', reason: describe(err) };
    }
  }

  private headers(requestId?: string): Record<string, string> {
    return { Accept: 'application/json', ...(requestId ? { 'X-Request-Id': requestId } : {}) };
  }

  private async get(url: URL, requestId?: string): Promise<CallReply> {
    try {
      return await this.send(url, 'GET', this.headers(requestId));
    } catch (err) {
      throw new ApiUnavailableError(describe(err));
    }
  }
}

function headerOf(res: CallReply, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The body as JSON, or undefined when it is empty or not JSON (the caller then reports the status). */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
