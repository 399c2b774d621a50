import { wordsTableOf } from '../../core/name-words';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { LIVE_ALIAS, NODE_MAJOR } from '../../core/contract';
import { LOG_GROUP_NAMES } from '../log-group-names';
import { type DataKeyRef, keyUseStatement } from './data-key';
import { ServiceRole } from './service-role';

/** The Lambda runtime; the tests and scripts run on the same Node major. */
export const LAMBDA_RUNTIME = `nodejs${NODE_MAJOR}.x`;

/** Props of a Node.js Lambda function built from one esbuild bundle. */
export interface NodeFunctionProps {
  /** Physical function name, e.g. `students-dev-list-students`. */
  readonly functionName: string;
  /** The function's zip (`index.js` and its source map), built reproducibly by `npm run build`. */
  readonly bundleZip: string;
  /** DynamoDB actions the function may call on `tableArn`, and nothing else. */
  readonly tableActions: readonly string[];
  /** The table those actions apply to. */
  readonly tableArn: string;
  /**
   * DynamoDB actions the function may call on `indexArn` (an index of the table), and nothing else.
   * @default none
   */
  readonly indexActions?: readonly string[];
  /**
   * The index those actions apply to; required when `indexActions` is not empty.
   * @default none
   */
  readonly indexArn?: string;
  /**
   * DynamoDB actions the function may call on the name-words table (`<table ARN>-name-words`),
   * and nothing else.
   * @default none
   */
  readonly wordsActions?: readonly string[];
  /** Environment variables. */
  readonly environment: Record<string, string>;
  /** CloudWatch Logs retention of the function's log group. */
  readonly logRetentionDays: number;
  /**
   * Seconds; keep it under API Gateway's 29 s integration timeout.
   * @default 10
   */
  readonly timeoutSeconds?: number;
  /**
   * Concurrent executions kept for this function, and its ceiling: a flood of one route cannot
   * take the account's concurrency from the other, nor run up an unbounded bill.
   * @default none (the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
  /**
   * Megabytes; Lambda scales CPU with memory.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * The environment's customer-managed key: it encrypts the function's environment and log group,
   * and the role may use it through DynamoDB (the tables are encrypted with it) and Lambda.
   * @default AWS's keys
   */
  readonly dataKey?: DataKeyRef;
  /**
   * Prefix of the Terraform addresses, so plans read `aws_lambda_function.<name>`.
   * @default the construct id
   */
  readonly addressPrefix?: string;
}

/**
 * A Lambda function with its own role (least privilege on one table, its own logs, X-Ray),
 * an explicit log group with retention, and code from a prebuilt zip whose base64 SHA-256 hash
 * drives updates (the zip is byte-identical for unchanged sources, so an unchanged plan is empty).
 * Each change publishes a version, and callers invoke the `live` alias, never `$LATEST`.
 */
export class NodeFunction extends Construct {
  public readonly functionName: string;
  public readonly functionArn: string;
  /** The `live` alias's invoke ARN, for API Gateway's integration. */
  public readonly invokeArn: string;
  public readonly roleName: string;
  private readonly prefix: string;
  private readonly fn: LambdaFunction;
  private readonly alias: LambdaAlias;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const prefix = props.addressPrefix ?? id;
    this.prefix = prefix;

    const asset = new TerraformAsset(this, 'bundle', { path: props.bundleZip, type: AssetType.FILE });

    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: LOG_GROUP_NAMES.lambda(props.functionName),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.dataKey?.keyArn,
    });
    logGroup.overrideLogicalId(`${prefix}-logs`);

    const role = new ServiceRole(this, `${prefix}-role`, {
      roleName: `${props.functionName}-role`,
      service: 'lambda.amazonaws.com',
      policyAddress: `${prefix}-policy`,
      statements: [
        { Sid: 'Table', Effect: 'Allow', Action: [...props.tableActions], Resource: props.tableArn },
        ...(props.indexActions?.length
          ? [{ Sid: 'Index', Effect: 'Allow' as const, Action: [...props.indexActions], Resource: requireIndex(props) }]
          : []),
        ...(props.wordsActions?.length
          ? [
              {
                Sid: 'NameWords',
                Effect: 'Allow' as const,
                Action: [...props.wordsActions],
                Resource: wordsTableOf(props.tableArn),
              },
            ]
          : []),
        {
          Sid: 'OwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${logGroup.arn}:*`,
        },
        ...(props.dataKey ? [keyUseStatement(props.dataKey, ['dynamodb', 'lambda'])] : []),
        // X-Ray's write actions support no resource-level scoping.
        {
          Sid: 'Traces',
          Effect: 'Allow',
          Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          Resource: '*',
        },
      ],
    });

    this.fn = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: role.roleArn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: props.timeoutSeconds ?? 10,
      memorySize: props.memorySize ?? 256,
      kmsKeyArn: props.dataKey?.keyArn,
      environment: { variables: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' } },
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      publish: true,
      reservedConcurrentExecutions: props.reservedConcurrency,
      dependsOn: [logGroup, ...role.grants],
    });
    this.fn.overrideLogicalId(prefix);
    this.alias = new LambdaAlias(this, 'live', {
      name: LIVE_ALIAS,
      description: 'What API Gateway invokes: the version the last deploy published, or the one npm run rollback chose',
      functionName: this.fn.functionName,
      functionVersion: this.fn.version,
    });
    this.alias.overrideLogicalId(`${prefix}-live`);

    this.functionName = this.fn.functionName;
    this.functionArn = this.fn.arn;
    this.invokeArn = this.alias.invokeArn;
    this.roleName = role.roleName;
  }

  /** Lets API Gateway invoke the function's `live` alias for exactly one method and path. */
  allowApiGateway(method: string, sourceArn: string): void {
    const permission = new LambdaPermission(this, `allow-apigateway-${method.toLowerCase()}`, {
      functionName: this.fn.functionName,
      qualifier: this.alias.name,
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      sourceArn,
    });
    permission.overrideLogicalId(`${this.prefix}-allow-apigateway-${method.toLowerCase()}`);
  }
}

function requireIndex(props: NodeFunctionProps): string {
  if (!props.indexArn) throw new Error(`${props.functionName}: indexActions need an indexArn`);
  return props.indexArn;
}
