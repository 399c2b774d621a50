import type { APIGatewayProxyResult } from 'aws-lambda';
import { CORS_HEADERS } from './contract';

/**
 * The one way a handler answers: a JSON body with the CORS and content-type headers
 * that existing clients rely on.
 */
export function respond(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...CORS_HEADERS, 'Content-Type': 'application/json', ...headers },
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
