/**
 * API Gateway's own answers (a refused body, other 4xx and 5xx), shaped as the functions' are.
 */
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import type { TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import { gatewayAllowedOrigin, INVALID_BODY_PREFIX } from '../core/contract';
import { quoted } from './constructs/cors-preflight';

/**
 * The answers API Gateway gives itself (a refused body, any other 4xx or 5xx): a `{"message"}`
 * body, and the allowed CORS origin when it is one fixed value. Created in the API stack itself,
 * so addresses read `aws_api_gateway_gateway_response.default-4xx-response` and so on.
 */
export function gatewayResponses(stack: Construct, restApiId: string, origins: readonly string[]): TerraformResource[] {
  const fixedOrigin = gatewayAllowedOrigin(origins);
  const corsOrigin = fixedOrigin
    ? { 'gatewayresponse.header.Access-Control-Allow-Origin': quoted(fixedOrigin) }
    : undefined;
  // The request model refuses only what is not a JSON object; it says why, in the same words
  // as the local gateway. Field errors come from the handler, naming each field.
  const templates: Record<string, string> = {
    BAD_REQUEST_BODY: `{"message":"${INVALID_BODY_PREFIX}: $util.escapeJavaScript($context.error.validationErrorString)"}`,
    DEFAULT_4XX: '{"message":$context.error.messageString}',
    DEFAULT_5XX: '{"message":$context.error.messageString}',
  };
  return (
    [
      ['BAD_REQUEST_BODY', 'bad-request-body'],
      ['DEFAULT_4XX', 'default-4xx'],
      ['DEFAULT_5XX', 'default-5xx'],
    ] as const
  ).map(
    ([type, id]) =>
      new ApiGatewayGatewayResponse(stack, `${id}-response`, {
        restApiId,
        responseType: type,
        responseParameters: corsOrigin,
        responseTemplates: { 'application/json': templates[type] as string },
      }),
  );
}
