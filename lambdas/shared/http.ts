/**
 * The functions' HTTP answers: JSON bodies, error messages, CORS headers for allowed origins, and
 * request parsing.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CORS_ORIGINS_VARIABLE, corsHeadersFor, parseOrigins } from '../../core/contract';

/** The origins CORS lets call the API (public access only); none by default. */
const ORIGINS = parseOrigins(process.env[CORS_ORIGINS_VARIABLE]);

/** The one way a handler answers: a JSON body and its content type (CORS is added by `withCors`). */
export function respond(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An error answer: `{"message": "..."}` plus any detail fields. */
export function respondError(
  statusCode: number,
  message: string,
  detail: Record<string, unknown> = {},
): APIGatewayProxyResult {
  return respond(statusCode, { message, ...detail });
}

/** Reads a request body as text, decoding base64 when API Gateway marked it so. */
export function bodyText(event: { body: string | null; isBase64Encoded?: boolean }): string {
  if (event.body === null || event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Query parameter lookup that tolerates API Gateway's null for "no parameters". */
export function queryParam(
  event: { queryStringParameters: Record<string, string | undefined> | null },
  name: string,
): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

/** A request header, whatever its case (API Gateway passes them as the client sent them). */
export function headerOf(
  event: { headers?: Record<string, string | undefined> | null },
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The answer with the CORS headers its request's origin is allowed, if any. */
export function withCors(
  event: { headers?: Record<string, string | undefined> | null },
  result: APIGatewayProxyResult,
): APIGatewayProxyResult {
  const cors = corsHeadersFor(ORIGINS, headerOf(event, 'origin'));
  return Object.keys(cors).length === 0 ? result : { ...result, headers: { ...result.headers, ...cors } };
}
