/**
 * The CDKTF app: reads and validates the configuration once, then wires the stacks.
 * `npm run synth` (or `npx cdktf synth`) writes them to cdktf.out/.
 */
import { App } from 'cdktf';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { FUNCTION_NAMES, type FunctionName } from './core/contract';
import { AccountStack } from './stacks/account-stack';
import { ApiStack } from './stacks/api-stack';
import { ConfigError, loadConfig, type DeploymentConfig } from './stacks/config';
import { DataStack } from './stacks/data-stack';
import { FrontendStack } from './stacks/frontend-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { NetworkStack } from './stacks/network-stack';
import type { StudentsStack } from './stacks/students-stack';

export interface BuildOptions {
  /** Where the synthesized stacks go. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Built artifacts (`lambdas/<fn>.zip`, `frontend.zip`): the folder `npm run build` wrote. */
  readonly distDir: string;
}

export interface StudentsApp {
  readonly app: App;
  /** Present when the configuration manages the account-wide API Gateway settings. */
  readonly account?: AccountStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly frontend: FrontendStack;
  readonly monitoring: MonitoringStack;
  /** Every stack, in the order they deploy (dependencies first). */
  readonly stacks: readonly StudentsStack[];
}

/** Builds the app for one validated configuration; stacks reference each other through cdktf. */
export function buildApp(config: DeploymentConfig, options: BuildOptions): StudentsApp {
  const distDir = options.distDir;
  const outdir = options.outdir ?? 'cdktf.out';
  mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, skipValidation: false });
  const account = config.manageApiGatewayAccount ? new AccountStack(app, { config }) : undefined;
  const network = new NetworkStack(app, { config });
  const data = new DataStack(app, { config, dataKey: network.dataKey });
  const frontendZip = path.join(distDir, 'frontend.zip');
  const lambdaZips = Object.fromEntries(
    FUNCTION_NAMES.map((fn) => [fn, path.join(distDir, 'lambdas', `${fn}.zip`)]),
  ) as Record<FunctionName, string>;
  const missing = [...Object.values(lambdaZips), frontendZip].filter((f) => !existsSync(f));
  if (missing.length > 0)
    throw new Error(`${missing.join(', ')} missing: run npm run build first (npm run synth does)`);
  const api = new ApiStack(app, {
    config,
    tableName: data.tableName,
    tableArn: data.tableArn,
    nameIndexArn: data.nameIndexArn,
    lambdaZips,
    dataKey: network.dataKey,
  });
  // The stage's execution logs need the account's CloudWatch role in place first.
  if (account) api.addDependency(account);
  const frontend = new FrontendStack(app, {
    config,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    instanceSubnetIds: network.instanceSubnetIds,
    instancesArePublic: network.instancesArePublic,
    apiEndpoint: api.studentUrl,
    apiRouteArns: api.routeArns,
    frontendZip,
    dataKey: network.dataKey,
  });
  const monitoring = new MonitoringStack(app, {
    config,
    targets: {
      loadBalancerArnSuffix: frontend.loadBalancerArnSuffix,
      targetGroupArnSuffix: frontend.targetGroupArnSuffix,
      autoScalingGroupName: frontend.autoScalingGroupName,
      minInstances: config.asg.min,
      apiName: api.apiName,
      stageName: api.stageName,
      functionNames: api.functionNames,
      functionTimeoutSeconds: api.functionTimeoutSeconds,
      functionReservedConcurrency: config.edge.reservedConcurrency,
      tableName: data.tableName,
      natGatewayIds: network.natGatewayIds,
      ...(data.backupVaultName
        ? { backupVaultName: data.backupVaultName, backupCopied: Boolean(config.backup.copyRegion) }
        : {}),
    },
  });
  const stacks = [...(account ? [account] : []), network, data, api, frontend, monitoring];
  return { app, account, network, data, api, frontend, monitoring, stacks };
}

if (require.main === module) {
  let config: DeploymentConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // `tsx main.ts [build folder]`: the folder npm run build wrote (dist/, or STUDENTS_DIST_DIR).
  const distDir = path.resolve(process.argv[2] ?? process.env.STUDENTS_DIST_DIR ?? path.join(__dirname, 'dist'));
  buildApp(config, { distDir }).app.synth();
}
