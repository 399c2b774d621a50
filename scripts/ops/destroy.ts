/**
 * `npm run destroy -- --confirm <env>`: wraps `cdktf destroy` for every stack of one environment
 * (cdktf destroys dependants first). The environment must be named twice, on purpose.
 * Deletion protection stops it at the table and the load balancer; see the runbook.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig, nameOf } from '../../stacks/config';
import { ROOT } from '../build';

function main(): number {
  const config = loadConfig(process.env);
  const argv = process.argv.slice(2);
  const confirmed = argv[argv.indexOf('--confirm') + 1];
  if (!argv.includes('--confirm') || confirmed !== config.environment) {
    console.error(
      `This destroys every stack of environment "${config.environment}". Rerun with: npm run destroy -- --confirm ${config.environment}`,
    );
    return 2;
  }
  if (config.deletionProtection) {
    console.error(
      `Note: deletion protection is on for "${config.environment}": the table (and the load balancer) will refuse to go.\n` +
        `To lift it: STUDENTS_DELETION_PROTECTION=false npm run deploy, then destroy again. Lifting it on a real environment loses every registration.`,
    );
  }
  const cdktf = process.env.CDKTF_BIN ?? path.join(ROOT, 'node_modules', '.bin', 'cdktf');
  const res = spawnSync(cdktf, ['destroy', `${nameOf(config, '*')}`, '--auto-approve'], {
    stdio: 'inherit',
    cwd: ROOT,
    env: process.env,
  });
  if (res.error) {
    console.error(`could not run ${cdktf}: ${res.error.message}`);
    return 1;
  }
  return res.status ?? 1;
}

try {
  process.exit(main());
} catch (err) {
  console.error((err as Error).message);
  process.exit(err instanceof ConfigError ? 2 : 1);
}
