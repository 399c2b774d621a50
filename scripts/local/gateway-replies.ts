/** The answers the local gateway gives, as API Gateway shapes them: its own errors, and mapped Lambda results. */

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/**
 * An answer API Gateway gives itself: the deployed stack's gateway responses (DEFAULT_4XX,
 * DEFAULT_5XX, BAD_REQUEST_BODY) have a `{"message"}` body (the gateway adds their CORS origin).
 */
export function gatewayReply(status: number, message: string, errorType: string): Reply {
  return jsonReply(status, { message }, { 'x-amzn-ErrorType': errorType });
}

/** What API Gateway answers for a path or method it does not have. */
export const MISSING_ROUTE = () =>
  gatewayReply(403, 'Missing Authentication Token', 'MissingAuthenticationTokenException');

/** Maps a Lambda proxy result as API Gateway does; anything malformed becomes a 502. */
export function mapProxyResult(result: unknown): Reply {
  const bad = () => gatewayReply(502, 'Internal server error', 'InternalServerErrorException');
  if (typeof result !== 'object' || result === null) return bad();
  const r = result as {
    statusCode?: unknown;
    headers?: unknown;
    multiValueHeaders?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  if (typeof r.statusCode !== 'number' || !Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599)
    return bad();
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return bad();
  const headers: Record<string, string | string[]> = {};
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object') return bad();
    for (const [k, v] of Object.entries(r.headers)) headers[k] = String(v);
  }
  if (r.multiValueHeaders !== undefined && r.multiValueHeaders !== null) {
    if (typeof r.multiValueHeaders !== 'object') return bad();
    for (const [k, v] of Object.entries(r.multiValueHeaders)) {
      if (!Array.isArray(v)) return bad();
      headers[k] = v.map(String);
    }
  }
  const text = typeof r.body === 'string' ? r.body : '';
  const body = r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { status: r.statusCode, headers, body };
}
