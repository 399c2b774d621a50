import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayModel } from '@cdktf/provider-aws/lib/api-gateway-model';
import { ApiGatewayRequestValidator } from '@cdktf/provider-aws/lib/api-gateway-request-validator';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { TerraformOutput, type TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import {
  API_RESOURCE,
  API_ROUTES,
  FUNCTION_CONCURRENCY_CAP,
  API_STAGE,
  CORS_HEADERS,
  CORS_ORIGINS_VARIABLE,
  FUNCTION_INDEX_ACTIONS,
  FUNCTION_TABLE_ACTIONS,
  FUNCTION_WORDS_ACTIONS,
  TABLE_NAME_VARIABLE,
  TIME_BUDGETS,
  DIRECTORY_ORDER_VARIABLE,
  type FunctionName,
} from '../core/contract';
import { nameOf, prefixOf } from './config';
import type { DataKeyRef } from './constructs/data-key';
import { LOG_GROUP_NAMES } from './log-group-names';
import { ACCESS_LOG_FORMAT } from './access-log-format';
import { CorsPreflight } from './constructs/cors-preflight';
import { gatewayResponses } from './gateway-responses';
import { definitionHash } from './deployment-trigger';
import { NodeFunction } from './constructs/node-function';
import { WebFirewall } from './constructs/web-firewall';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';

/** Each function's timeout, in seconds (TIME_BUDGETS: inside the gateway's, around the store's). */
export const FUNCTION_TIMEOUT_SECONDS = TIME_BUDGETS.functionMs / 1000;

/** Props of the API stack. */
export interface ApiStackProps extends StudentsStackProps {
  /** Name of the Students table (from the data stack). */
  readonly tableName: string;
  /** ARN of the Students table; each function's role is scoped to it. */
  readonly tableArn: string;
  /** ARN of the table's name index, which the list function queries. */
  readonly nameIndexArn: string;
  /** Each function's zip, built by `npm run build`. */
  readonly lambdaZips: Readonly<Record<FunctionName, string>>;
  /** The environment's customer-managed key (STUDENTS_CMK) for the functions and log groups. @default AWS's keys */
  readonly dataKey?: DataKeyRef;
}

/**
 * The REST API of the reference design: `/student` on stage `dev`, GET and POST through Lambda
 * proxy integrations, OPTIONS through a mock integration, a request validator and body model,
 * access logs, X-Ray, throttling, and a deployment that follows every change.
 */
export class ApiStack extends EnvironmentStack {
  /** `https://…/dev/student`: what the frontend calls. */
  public readonly studentUrl: string;
  public readonly restApiId: string;
  public readonly functionNames: Record<FunctionName, string>;
  /** The REST API's name and stage: the dimensions of its CloudWatch metrics. */
  public readonly apiName: string;
  public readonly stageName: string;
  /** Each function's timeout, in seconds (its duration alarm's yardstick). */
  public readonly functionTimeoutSeconds: number;
  /** `execute-api` ARNs of the routes (`…/dev/GET/student`): what the portal's role may invoke. */
  public readonly routeArns: string[];

  constructor(scope: Construct, props: ApiStackProps) {
    super(scope, 'api', props);
    const { config } = props;
    const publicAccess = config.edge.apiAccess === 'public';
    const origins = publicAccess ? config.edge.corsOrigins : [];

    const api = new ApiGatewayRestApi(this, 'api', {
      name: nameOf(config, 'api'),
      description: 'Student registration portal API',
      endpointConfiguration: { types: ['REGIONAL'] },
    });
    const resource = new ApiGatewayResource(this, 'student-resource', {
      restApiId: api.id,
      parentId: api.rootResourceId,
      pathPart: API_RESOURCE,
    });
    const validator = new ApiGatewayRequestValidator(this, 'validator', {
      restApiId: api.id,
      name: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });

    const functions = new Map<FunctionName, NodeFunction>();
    const functionFor = (name: FunctionName) => {
      let fn = functions.get(name);
      if (!fn) {
        fn = new NodeFunction(this, name, {
          functionName: nameOf(config, name),
          bundleZip: props.lambdaZips[name],
          tableActions: FUNCTION_TABLE_ACTIONS[name],
          tableArn: props.tableArn,
          indexActions: FUNCTION_INDEX_ACTIONS[name],
          indexArn: props.nameIndexArn,
          wordsActions: FUNCTION_WORDS_ACTIONS[name],
          reservedConcurrency: Math.min(
            config.edge.reservedConcurrency,
            FUNCTION_CONCURRENCY_CAP[name] ?? config.edge.reservedConcurrency,
          ),
          environment: {
            [TABLE_NAME_VARIABLE]: props.tableName,
            ...(publicAccess ? { [CORS_ORIGINS_VARIABLE]: config.edge.corsOrigins.join(',') } : {}),
            ...(name === 'list-students' ? { [DIRECTORY_ORDER_VARIABLE]: config.directoryOrder ? 'on' : 'off' } : {}),
          },
          logRetentionDays: config.logRetentionDays,
          timeoutSeconds: FUNCTION_TIMEOUT_SECONDS,
          dataKey: props.dataKey,
        });
        functions.set(name, fn);
      }
      return fn;
    };

    // What a redeployment must follow: every definition of the API (see definitionHash).
    const definitions: TerraformResource[] = [resource, validator];

    for (const route of API_ROUTES) {
      const key = route.method.toLowerCase();
      const fn = functionFor(route.functionName);
      let model: ApiGatewayModel | undefined;
      if (route.bodySchema) {
        model = new ApiGatewayModel(this, `${key}-body-model`, {
          restApiId: api.id,
          name: `${route.functionName.replace(/[^a-zA-Z0-9]/g, '')}Body`,
          contentType: 'application/json',
          schema: JSON.stringify(route.bodySchema),
        });
        definitions.push(model);
      }
      const method = new ApiGatewayMethod(this, `${key}-method`, {
        restApiId: api.id,
        resourceId: resource.id,
        httpMethod: route.method,
        // Only signed calls of the portal's role by default; public only when configured so, and
        // never for a staff action such as a removal.
        authorization: publicAccess && !route.iamOnly ? 'NONE' : 'AWS_IAM',
        requestValidatorId: validator.id,
        requestModels: model ? { 'application/json': model.name } : undefined,
        requestParameters: Object.fromEntries(
          (route.queryParameters ?? []).map((q) => [`method.request.querystring.${q}`, false]),
        ),
      });
      const integration = new ApiGatewayIntegration(this, `${key}-integration`, {
        restApiId: api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: fn.invokeArn,
        timeoutMilliseconds: TIME_BUDGETS.integrationMs,
      });
      fn.allowApiGateway(route.method, `${api.executionArn}/*/${route.method}/${API_RESOURCE}`);
      definitions.push(method, integration);
    }

    // CORS exists only where browsers may call: a public API with allowed origins. Its preflight
    // is answered by API Gateway itself with the headers the handlers send.
    if (origins.length > 0) {
      const preflight = new CorsPreflight(this, 'options', {
        restApiId: api.id,
        resourceId: resource.id,
        requestValidatorId: validator.id,
        headers: CORS_HEADERS,
        origins,
      });
      definitions.push(...preflight.definitions);
    }

    definitions.push(...gatewayResponses(this, api.id, origins));

    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: api.id,
      description: 'Managed by cdktf; replaced whenever a definition of the API changes',
      triggers: { redeployment: definitionHash(definitions) },
      lifecycle: { createBeforeDestroy: true },
    });

    const logGroup = (id: string, name: string) =>
      new CloudwatchLogGroup(this, id, {
        name,
        retentionInDays: config.logRetentionDays,
        kmsKeyId: props.dataKey?.keyArn,
      });
    const accessLogs = logGroup('access-log-group', LOG_GROUP_NAMES.apiAccess(prefixOf(config)));
    // Declared here, the execution logs' group has a retention and goes with the stack, instead
    // of being created by the service and kept forever.
    const executionLogs = logGroup('execution-log-group', LOG_GROUP_NAMES.apiExecution(api.id));

    const stage = new ApiGatewayStage(this, 'stage', {
      restApiId: api.id,
      deploymentId: deployment.id,
      stageName: API_STAGE,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [executionLogs],
    });
    new ApiGatewayMethodSettings(this, 'stage-settings', {
      restApiId: api.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: 'ERROR',
        dataTraceEnabled: false,
        throttlingRateLimit: config.apiThrottle.rateLimit,
        throttlingBurstLimit: config.apiThrottle.burstLimit,
      },
      dependsOn: [executionLogs],
    });

    if (publicAccess) {
      // Anyone may call: a web ACL blocks an address over its rate and what AWS's managed rules flag.
      new WebFirewall(this, 'api-firewall', {
        name: nameOf(config, 'api'),
        resourceArn: stage.arn,
        rateLimit: config.edge.wafRateLimit,
        logRetentionDays: config.logRetentionDays,
        kmsKeyId: props.dataKey?.keyArn,
      });
    }

    this.routeArns = API_ROUTES.map((r) => `${api.executionArn}/${API_STAGE}/${r.method}/${API_RESOURCE}`);
    this.restApiId = api.id;
    this.apiName = api.name;
    this.stageName = stage.stageName;
    this.functionTimeoutSeconds = FUNCTION_TIMEOUT_SECONDS;
    this.studentUrl = `${stage.invokeUrl}/${API_RESOURCE}`;
    this.functionNames = Object.fromEntries([...functions].map(([name, fn]) => [name, fn.functionName])) as Record<
      FunctionName,
      string
    >;
    new TerraformOutput(this, 'api_url', {
      value: this.studentUrl,
      description: 'GET lists students, POST signs one up',
    });
  }
}
