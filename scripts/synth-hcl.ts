/** `npm run synth:hcl`: builds, then has the CDK CLI write the stacks as HCL into cdktf.out/. */
import { spawnSync } from 'node:child_process';
import { buildAll } from './build';
import { cdkCliPath } from './cdk-cli';
import { ROOT } from './dist';

buildAll().then(
  () =>
    process.exit(
      spawnSync(cdkCliPath(), ['synth', '--hcl'], {
        stdio: 'inherit',
        cwd: ROOT,
        env: { CHECKPOINT_DISABLE: '1', ...process.env },
      }).status ?? 1,
    ),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
