/**
 * The CDKTF app: reads and validates the configuration once, then wires the four stacks.
 * `npm run synth` (or `npx cdktf synth`) writes them to cdktf.out/.
 */
import { App } from 'cdktf';
import path from 'node:path';
import { ApiStack } from './stacks/api-stack';
import { ConfigError, loadConfig, type DeploymentConfig } from './stacks/config';
import { DataStack } from './stacks/data-stack';
import { FrontendStack } from './stacks/frontend-stack';
import { NetworkStack } from './stacks/network-stack';

export interface BuildOptions {
  /** Where the synthesized stacks go. @default 'cdktf.out' */
  readonly outdir?: string;
  /** Built artifacts (`lambdas/<fn>/`, `frontend/`). @default '<project>/dist' */
  readonly distDir?: string;
}

export interface StudentsApp {
  readonly app: App;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly frontend: FrontendStack;
}

/** Builds the app for one validated configuration; stacks reference each other through cdktf. */
export function buildApp(config: DeploymentConfig, options: BuildOptions = {}): StudentsApp {
  const distDir = options.distDir ?? path.join(__dirname, 'dist');
  const app = new App({ outdir: options.outdir ?? 'cdktf.out', skipValidation: false });
  const network = new NetworkStack(app, { config });
  const data = new DataStack(app, { config });
  const api = new ApiStack(app, { config, tableName: data.tableName, tableArn: data.tableArn, lambdaDistDir: path.join(distDir, 'lambdas') });
  const frontend = new FrontendStack(app, {
    config,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    instanceSubnetIds: network.instanceSubnetIds,
    instancesArePublic: network.instancesArePublic,
    apiEndpoint: api.studentUrl,
    frontendDistDir: path.join(distDir, 'frontend'),
  });
  return { app, network, data, api, frontend };
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
  buildApp(config).app.synth();
}
