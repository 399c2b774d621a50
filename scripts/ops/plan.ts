/**
 * `npm run plan`: synthesizes, then for each stack in dependency order runs `terraform init` and
 * `terraform plan -out`, keeps the binary plan, its text and `terraform show -json` under
 * plans/<env>/<stack>/ (owner-only), records each plan's sha256 and the guard's verdict in
 * plans/<env>/manifest.json, prints the guard's report, and exits with its verdict. A stack that
 * reads an output an earlier plan creates or changes is recorded as waiting for that stack.
 * `npm run deploy` then applies exactly these plans.
 *
 *   npm run plan -- [--from <stack>] [--allow-destroy <address>]... [--allow-unprotect <address>]...
 *                   [--update-ami] [--local-state] [--json | --markdown] [--json-file <path>]
 *
 * With `npm run -s plan -- --json`, stdout holds only the guard's JSON, also when planning fails.
 */
import { writeFileSync } from 'node:fs';
import { EXIT, exitCodeOf, opsConfig, parseOps, runMain } from './cli';
import { lockEnvironment } from './env-lock';
import { manifestPath } from './manifest';
import { jsonWanted, render } from './plan-check';
import { renderJson, renderJsonError } from './plan-report';
import { planEnvironment, waitLine } from './plan-env';
import { blocking } from './plan-guard';
import { synthesize } from './terraform';

export const USAGE =
  'usage: npm run plan -- [--from <stack>] [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami] [--local-state] [--json | --markdown] [--json-file <path>]';

/** `--update-ami`: replace the recorded AMI, so the frontend's launch template takes the current AL2023. */
export function planArgsFor(stack: string, updateAmi: boolean): string[] {
  return updateAmi && stack.endsWith('-frontend') ? ['-replace=terraform_data.ami'] : [];
}

/** A failure as JSON, where JSON was asked for: stdout with --json, the file with --json-file. */
function reportFailure(message: string, code: number): void {
  const wanted = jsonWanted(process.argv.slice(2));
  const json = renderJsonError(message, code);
  if (wanted.stdout) console.log(json);
  if (wanted.file) writeFileSync(wanted.file, `${json}\n`);
}

async function main(): Promise<number> {
  try {
    const code = await plan();
    return code;
  } catch (err) {
    reportFailure(err instanceof Error ? err.message : String(err), exitCodeOf(err));
    throw err;
  }
}

async function plan(): Promise<number> {
  const options = parseOps(process.argv.slice(2), ['guard', 'update-ami', 'local-state', 'format', 'from'], USAGE);
  const config = opsConfig(options);
  lockEnvironment(config.environment, 'npm run plan');
  const { stacks } = await synthesize(config);
  const outcome = await planEnvironment(
    config.environment,
    stacks,
    options.from,
    (stack) => planArgsFor(stack, options.updateAmi),
    options,
  );
  if (outcome.code !== EXIT.ok) {
    const message = `The plan of environment "${config.environment}" is incomplete; npm run deploy refuses it until npm run plan (or --from the failed stack) finishes.`;
    console.error(`\n${message}`);
    reportFailure(message, outcome.code);
    return outcome.code;
  }
  if (options.jsonFile) writeFileSync(options.jsonFile, `${renderJson(outcome.reports)}\n`);
  console.log(render(outcome.reports, options.format));
  const waiting = outcome.manifest.stacks.filter((s) => s.state === 'waits');
  for (const w of waiting) (options.format === 'text' ? console.log : console.error)(waitLine(w));
  if (options.format === 'text') {
    console.log(
      `\nNext: review plans/${config.environment}/<stack>/plan.txt, then npm run deploy applies exactly these plans (sha256 in ${manifestPath(config.environment)}).`,
    );
  }
  return blocking(outcome.reports).length > 0 ? EXIT.refused : EXIT.ok;
}

if (require.main === module) runMain(main);
