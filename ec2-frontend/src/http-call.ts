/**
 * One HTTP(S) call to the API, on `node:http` with kept-alive connections. Node's `fetch` was a
 * quarter of the page's CPU when profiled (its web streams and per-call objects); a page needs
 * none of what it adds. Every call has a deadline covering the whole exchange, body included.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

export interface CallOptions {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly headers: Readonly<Record<string, string>>;
  /** The request body, sent with its Content-Length. @default none */
  readonly body?: string;
  /** Whole-call deadline, in ms: connect, send, and read the answer. */
  readonly timeoutMs: number;
}

export interface CallReply {
  readonly status: number;
  /** Lower-cased names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Why a call got no answer: `timeout`, a socket error code (`ECONNREFUSED`…), or `too-large`. */
export class CallFailed extends Error {
  constructor(readonly reason: string) {
    super(`call failed: ${reason}`);
    this.name = 'CallFailed';
  }
}

/** Larger than any page the frontend asks for (at most 100 students of a few hundred bytes). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Idle connections are dropped after 4 s (fetch's default too), before API Gateway's or a local
 * server's idle timeout can close them under a request that is being sent. It bounds only idle
 * connections: a call in progress runs to its own deadline.
 */
export const IDLE_CONNECTION_MS = 4_000;
const AGENT_OPTIONS = { keepAlive: true, timeout: IDLE_CONNECTION_MS, scheduling: 'lifo' } as const;
const agents = { 'http:': new http.Agent(AGENT_OPTIONS), 'https:': new https.Agent(AGENT_OPTIONS) };

function once(url: URL, options: CallOptions, deadline: number): Promise<CallReply & { reused: boolean }> {
  const transport = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = transport.request(url, { method: options.method, headers, agent });
    const timer = setTimeout(() => req.destroy(new CallFailed('timeout')), Math.max(0, deadline - Date.now()));
    const fail = (err: Error & { code?: string }) => {
      clearTimeout(timer);
      const failed = err instanceof CallFailed ? err : new CallFailed(err.code ?? err.name);
      reject(Object.assign(failed, { reused: req.reusedSocket }));
    };
    req.once('error', fail);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BODY_BYTES) req.destroy(new CallFailed('too-large'));
        else chunks.push(chunk);
      });
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks, bytes).toString('utf8'),
          reused: req.reusedSocket,
        });
      });
    });
    req.end(options.body);
  });
}

/**
 * Calls `url`. A kept-alive connection that the server closed just as it was reused fails at
 * once with ECONNRESET before anything was processed; that call is made again, once, on a new
 * connection (Node's documented remedy). Signups are safe to repeat: a repeat is answered as a
 * success and never stored twice.
 */
export async function call(url: URL, options: CallOptions): Promise<CallReply> {
  const deadline = Date.now() + options.timeoutMs;
  try {
    return await once(url, options, deadline);
  } catch (err) {
    const { reason, reused } = err as CallFailed & { reused?: boolean };
    if (reused && reason === 'ECONNRESET' && Date.now() < deadline) return once(url, options, deadline);
    throw err;
  }
}
