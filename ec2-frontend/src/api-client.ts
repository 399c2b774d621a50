/**
 * The frontend's client of the students API. Every call has a timeout; Node's fetch keeps
 * connections alive between calls.
 */
import { NEXT_CURSOR_HEADER } from '../../lambdas/shared/contract';
import type { FieldError, Student } from '../../lambdas/shared/student';

export interface StudentPage {
  readonly students: Student[];
  readonly nextCursor?: string;
  /** The API refused the cursor (stale or edited link). */
  readonly invalidCursor?: boolean;
}

export type SignupOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'invalid'; readonly message: string; readonly errors: readonly FieldError[] }
  | { readonly kind: 'duplicate'; readonly message: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** The API could not be used: down, slow, or answering something unexpected. */
export class ApiUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`API unavailable: ${reason}`);
    this.name = 'ApiUnavailableError';
  }
}

function describe(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } })?.cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? (err instanceof Error ? err.name : 'error');
}

export class StudentsApi {
  constructor(
    private readonly endpoint: string,
    private readonly timeoutMs: number,
  ) {}

  async list(params: { limit: number; cursor?: string }, requestId?: string): Promise<StudentPage> {
    const url = new URL(this.endpoint);
    url.searchParams.set('limit', String(params.limit));
    if (params.cursor) url.searchParams.set('cursor', params.cursor);
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers(requestId), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new ApiUnavailableError(describe(err));
    }
    const body = await this.readJson(res);
    if (res.status === 400 && params.cursor) return { students: [], invalidCursor: true };
    if (res.status !== 200 || !Array.isArray(body)) throw new ApiUnavailableError(`GET answered ${res.status}`);
    const next = res.headers.get(NEXT_CURSOR_HEADER) ?? undefined;
    return { students: body as Student[], ...(next ? { nextCursor: next } : {}) };
  }

  async signup(student: Student, requestId?: string): Promise<SignupOutcome> {
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { ...this.headers(requestId), 'Content-Type': 'application/json' },
        body: JSON.stringify(student),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return { kind: 'unknown', reason: describe(err) };
    }
    let body: unknown;
    try {
      body = await this.readJson(res);
    } catch (err) {
      return { kind: 'unknown', reason: describe(err) };
    }
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

  private headers(requestId?: string): Record<string, string> {
    return { Accept: 'application/json', ...(requestId ? { 'X-Request-Id': requestId } : {}) };
  }

  private async readJson(res: Response): Promise<unknown> {
    const text = await res.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  }
}
