/**
 * A local stand-in for the deployed REST API: `/<stage>/<resource>` served from the same
 * route table the API stack uses, each request turned into a REST (v1) proxy event for the
 * built Lambda bundle, and the result mapped back as API Gateway maps it.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  API_RESOURCE,
  API_ROUTES,
  API_STAGE,
  type ApiAccess,
  corsHeadersFor,
  gatewayAllowedOrigin,
  INVALID_BODY_PREFIX,
  isJsonBody,
  TIME_BUDGETS,
  type ApiRoute,
  type FunctionName,
} from '../../core/contract';
import { LOCAL_AWS_ENV, LOCAL_CREDENTIALS } from './data-tier';
import { assertObjectModels, objectBodyProblem } from './request-model';
import { authorizationProblem, MISSING_TOKEN, verifySignature } from './sigv4-check';
import { gatewayReply, MISSING_ROUTE, mapProxyResult, type Reply } from './gateway-replies';
import { LambdaInvocationError } from './lambda-process';
import { listen } from './net';
import { buildProxyEvent } from './proxy-event';

/** Invokes one function with a proxy event and returns whatever it returned. */
export type Invoke = (fn: FunctionName, event: unknown) => Promise<unknown>;

export interface LocalApiOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly invoke: Invoke;
  /** Receives one line per request. */
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number; fn?: FunctionName }) => void;
  /** API Gateway's integration timeout. @default TIME_BUDGETS.integrationMs */
  readonly integrationTimeoutMs?: number;
  /** Routes served. @default API_ROUTES */
  readonly routes?: readonly ApiRoute[];
  /**
   * Invocations of one function in flight at once, like Lambda's concurrency limit; past it the
   * gateway answers 429 instead of queueing without bound.
   * @default 100
   */
  readonly functionConcurrency?: number;
  /**
   * Who may call, as `STUDENTS_API_ACCESS` sets it when deployed: `iam` checks each request's
   * SigV4 signature against the local stack's credentials (LOCAL_AWS_ENV); `public` lets anyone in.
   * @default 'iam'
   */
  readonly access?: ApiAccess;
  /** Origins CORS allows in `public` mode, as `STUDENTS_CORS_ORIGINS`. @default none */
  readonly corsOrigins?: readonly string[];
  /** How long a client may take to send its headers, as API Gateway's front door bounds it. @default 10000 */
  readonly headersTimeoutMs?: number;
}

export interface LocalApi {
  readonly url: string;
  /** The `/student` URL the frontend calls. */
  readonly studentUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

/** The body, or `too-large` as soon as it passes the limit while streaming: nothing more is kept. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        resolve('too-large');
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerPairs(req: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return pairs;
}

export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const routes = options.routes ?? API_ROUTES;
  assertObjectModels(routes);
  const resourcePath = `/${API_RESOURCE}`;
  const stagePath = `/${API_STAGE}${resourcePath}`;
  const timeoutMs = options.integrationTimeoutMs ?? TIME_BUDGETS.integrationMs;
  const concurrency = options.functionConcurrency ?? 100;
  const inFlight = new Map<FunctionName, number>();

  const access = options.access ?? 'iam';
  const origins = access === 'public' ? (options.corsOrigins ?? []) : [];
  const denied = (message: string) => ({ reply: gatewayReply(403, message, 'AccessDeniedException') });

  // The route, the declared size and the signature's presence are checked before any body is read.
  async function handle(req: IncomingMessage): Promise<{ reply: Reply; fn?: FunctionName }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    if (path !== stagePath) return { reply: MISSING_ROUTE() };
    // The preflight exists only where browsers may call (public access).
    if (method === 'OPTIONS' && access === 'public')
      return {
        reply: {
          status: 200,
          headers: { ...corsHeadersFor(origins, req.headers.origin), 'Content-Type': 'application/json' },
          body: Buffer.alloc(0),
        },
      };
    const route = routes.find((r) => r.method === method);
    if (!route) return { reply: MISSING_ROUTE() };
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES)
      return { reply: gatewayReply(413, 'Request Too Long', 'RequestTooLongException') };
    // As deployed: IAM authorization on every method, or on the staff methods alone when public.
    const signed = access === 'iam' || route.iamOnly === true;
    if (signed) {
      const problem = authorizationProblem(req);
      if (problem) return problem === MISSING_TOKEN ? { reply: MISSING_ROUTE() } : denied(problem);
    }
    const body = await readBody(req);
    if (body === 'too-large') return { reply: gatewayReply(413, 'Request Too Long', 'RequestTooLongException') };
    if (signed) {
      const problem = await verifySignature(req, body, LOCAL_CREDENTIALS, LOCAL_AWS_ENV.AWS_REGION);
      if (problem) return denied(problem);
    }

    if (route.bodySchema && isJsonBody(req.headers['content-type'])) {
      // The deployed request validator checks a JSON body against the model, which asks for a
      // JSON object only; any other body goes to the function, which refuses it (415).
      const problem = objectBodyProblem(body.toString('utf8'));
      if (problem) return { reply: gatewayReply(400, `${INVALID_BODY_PREFIX}: [${problem}]`, 'BadRequestException') };
    }

    const event = buildProxyEvent({
      method,
      resource: resourcePath,
      path: resourcePath,
      headers: headerPairs(req),
      query: [...url.searchParams.entries()],
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
    });
    const running = inFlight.get(route.functionName) ?? 0;
    if (running >= concurrency) {
      return { reply: gatewayReply(429, 'Too Many Requests', 'TooManyRequestsException'), fn: route.functionName };
    }
    inFlight.set(route.functionName, running + 1);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        options.invoke(route.functionName, event),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new LambdaInvocationError('integration timeout', 'timeout')), timeoutMs);
        }),
      ]);
      return { reply: mapProxyResult(result), fn: route.functionName };
    } catch (err) {
      if (err instanceof LambdaInvocationError && err.kind === 'timeout') {
        return { reply: gatewayReply(504, 'Endpoint request timed out', 'IntegrationTimeout'), fn: route.functionName };
      }
      return {
        reply: gatewayReply(502, 'Internal server error', 'InternalServerErrorException'),
        fn: route.functionName,
      };
    } finally {
      clearTimeout(timer);
      inFlight.set(route.functionName, (inFlight.get(route.functionName) ?? 1) - 1);
    }
  }

  const server = http.createServer(
    {
      // A client that trickles its headers is cut off, as at API Gateway's front door; the check runs every second.
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: 30_000,
      connectionsCheckingInterval: 1_000,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const started = performance.now();
      handle(req)
        .catch((): { reply: Reply; fn?: FunctionName } => ({
          reply: gatewayReply(500, 'Internal server error', 'InternalServerErrorException'),
        }))
        .then(({ reply, fn }) => {
          // The deployed gateway responses carry the allowed origin too (when it is one fixed value).
          const gatewayCors: Record<string, string> = {};
          const fixed = gatewayAllowedOrigin(origins);
          if (reply.headers['x-amzn-ErrorType'] && fixed) gatewayCors['Access-Control-Allow-Origin'] = fixed;
          res.writeHead(reply.status, {
            ...reply.headers,
            ...gatewayCors,
            'x-amzn-RequestId': randomUUID(),
            'Content-Length': reply.body.length,
            // Refused before its body arrived: close, rather than read a body nobody wants.
            ...(req.complete ? {} : { Connection: 'close' }),
          });
          res.end(reply.body);
          options.onRequest?.({
            method: req.method ?? '',
            path: req.url ?? '',
            status: reply.status,
            ms: performance.now() - started,
            fn,
          });
        });
    },
  );
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port, host, 'logic tier (local API Gateway)');
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  return {
    url,
    studentUrl: `${url}${stagePath}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
