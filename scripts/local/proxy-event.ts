/**
 * Builds REST API (v1) Lambda proxy events the way API Gateway shapes them. The local
 * gateway uses it for every request, and the tests use it to call handlers directly.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { API_STAGE } from '../../core/contract';

export interface ProxyRequest {
  method: string;
  /** Resource template, e.g. `/student`. */
  resource: string;
  /** Path without the stage, e.g. `/student`. */
  path: string;
  /** Header name/value pairs in arrival order; a name may repeat. */
  headers?: [string, string][] | Record<string, string>;
  /** Query name/value pairs in arrival order; a name may repeat. */
  query?: [string, string][] | Record<string, string>;
  body?: Buffer | string | null;
  sourceIp?: string;
  stage?: string;
  requestId?: string;
  now?: Date;
}

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json)/i;

function pairs(input: [string, string][] | Record<string, string> | undefined): [string, string][] {
  if (!input) return [];
  return Array.isArray(input) ? input : Object.entries(input);
}

/** Single-value map (last value wins, as API Gateway does) and multi-value map; null when empty. */
function collect(list: [string, string][]): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  if (list.length === 0) return { single: null, multi: null };
  // No prototype: a parameter or header called `constructor`, `__proto__` or `hasOwnProperty` is just a name.
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const [k, v] of list) {
    single[k] = v;
    const values = multi[k] ?? [];
    values.push(v);
    multi[k] = values;
  }
  return { single, multi };
}

/** `23/Nov/2026:12:48:59 +0000`, API Gateway's requestTime format. */
function requestTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function buildProxyEvent(req: ProxyRequest): APIGatewayProxyEvent {
  const stage = req.stage ?? API_STAGE;
  const now = req.now ?? new Date();
  const headerList = pairs(req.headers);
  const headers = collect(headerList);
  const query = collect(pairs(req.query));
  const contentType = headerList.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const raw = req.body ?? null;
  const buffer = raw === null ? null : typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const empty = buffer === null || buffer.length === 0;
  // API Gateway passes text through and base64-encodes what it treats as binary.
  const isBinary = !empty && contentType !== '' && !TEXT_TYPES.test(contentType);
  const requestId = req.requestId ?? randomUUID();
  return {
    resource: req.resource,
    path: req.path,
    httpMethod: req.method.toUpperCase(),
    headers: headers.single ?? {},
    multiValueHeaders: headers.multi ?? {},
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: null,
    stageVariables: null,
    body: empty ? null : isBinary ? buffer.toString('base64') : buffer.toString('utf8'),
    isBase64Encoded: isBinary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      domainName: headers.single?.host ?? headers.single?.Host ?? 'localhost',
      domainPrefix: 'local',
      extendedRequestId: requestId,
      httpMethod: req.method.toUpperCase(),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.sourceIp ?? '127.0.0.1',
        user: null,
        userAgent: headerList.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? null,
        userArn: null,
      },
      path: `/${stage}${req.path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: req.resource,
      stage,
    },
  };
}
