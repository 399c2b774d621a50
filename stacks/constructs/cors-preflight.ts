import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { gatewayAllowedOrigin } from '../../core/contract';

/** Header mapping value for a static string, as API Gateway writes it: `'value'`. */
export const quoted = (value: string) => `'${value}'`;

/** Props of a CORS preflight answered by API Gateway itself. */
export interface CorsPreflightProps {
  readonly restApiId: string;
  readonly resourceId: string;
  /** Request validator of the API's methods. @default none */
  readonly requestValidatorId?: string;
  /** The CORS headers besides the origin, the same the handlers send. */
  readonly headers: Readonly<Record<string, string>>;
  /** Origins allowed (`*` for any); with several, the caller's is echoed when it is one of them. */
  readonly origins: readonly string[];
}

/**
 * The integration response's template when several origins are allowed: a static header cannot
 * name them all, so the caller's `Origin` is echoed when it is on the list.
 */
export function echoOriginTemplate(origins: readonly string[]): string {
  const list = origins.map((o) => JSON.stringify(o)).join(', ');
  return [
    `#set($allowed = [${list}])`,
    '#set($origin = $input.params().header.get("Origin"))',
    '#if($origin && $allowed.contains($origin))',
    '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#set($context.responseOverride.header.Vary = "Origin")',
    '#end',
  ].join('\n');
}

/**
 * `OPTIONS` on one resource through a MOCK integration: a 200 with the CORS headers, no Lambda.
 * Addresses read `aws_api_gateway_method.options-method` and so on.
 */
export class CorsPreflight extends Construct {
  /** Every resource of the preflight: what a redeployment must follow. */
  public readonly definitions: TerraformResource[];

  constructor(scope: Construct, id: string, props: CorsPreflightProps) {
    super(scope, id);
    const fixed = gatewayAllowedOrigin(props.origins);
    const headers: Record<string, string> = {
      ...props.headers,
      ...(fixed ? { 'Access-Control-Allow-Origin': fixed } : {}),
    };
    const declared = [...Object.keys(props.headers), 'Access-Control-Allow-Origin', ...(fixed ? [] : ['Vary'])];
    const method = new ApiGatewayMethod(this, 'method', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: 'OPTIONS',
      authorization: 'NONE',
      requestValidatorId: props.requestValidatorId,
    });
    method.overrideLogicalId(`${id}-method`);
    const integration = new ApiGatewayIntegration(this, 'integration', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: method.httpMethod,
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
    });
    integration.overrideLogicalId(`${id}-integration`);
    const response = new ApiGatewayMethodResponse(this, 'method-response', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: method.httpMethod,
      statusCode: '200',
      responseParameters: Object.fromEntries(declared.map((h) => [`method.response.header.${h}`, true])),
      responseModels: { 'application/json': 'Empty' },
    });
    response.overrideLogicalId(`${id}-method-response`);
    const integrationResponse = new ApiGatewayIntegrationResponse(this, 'integration-response', {
      restApiId: props.restApiId,
      resourceId: props.resourceId,
      httpMethod: method.httpMethod,
      statusCode: response.statusCode,
      responseParameters: Object.fromEntries(
        Object.entries(headers).map(([h, v]) => [`method.response.header.${h}`, quoted(v)]),
      ),
      ...(fixed ? {} : { responseTemplates: { 'application/json': echoOriginTemplate(props.origins) } }),
      dependsOn: [integration],
    });
    integrationResponse.overrideLogicalId(`${id}-integration-response`);
    this.definitions = [method, integration, response, integrationResponse];
  }
}
