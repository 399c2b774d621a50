/**
 * `npm run validate`: synthesizes every documented configuration into a temporary folder, then
 * for each stack runs `terraform init -backend=false`, `terraform validate -json` and the stack's
 * mock-plan `terraform test`, and prints a line per stack and configuration.
 *   npm run validate -- [--config <name>]... [--no-tests] [--keep]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../main';
import { loadConfig } from '../../stacks/config';
import { DIST } from '../build';
import { CONFIGURATIONS, type NamedConfiguration } from './configurations';
import { mockPlanTest } from './mock-plans';
import { checkStack, formatResult, type Job, type StackResult, seedProviders } from './stack-check';
import { applyProxyVersion, mapLimit, prepareToolchain, runTerraform, type Toolchain } from './toolchain';
import { strictArgs } from '../args';

export { checkStack, formatResult, type Job, type StackResult } from './stack-check';

export interface ValidationReport {
  /** The toolchain the checks ran with, for further checks in the same folder. */
  readonly toolchain: Toolchain;
  readonly terraformVersion: string;
  readonly providerSource: string;
  readonly pinnedVersion: string;
  readonly validatedVersion: string;
  readonly results: StackResult[];
}

export interface ValidateOptions {
  /** Scratch folder for the synthesized stacks. */
  readonly workDir: string;
  /** @default every documented configuration */
  readonly configurations?: readonly NamedConfiguration[];
  /** Built artifacts. @default dist/ */
  readonly distDir?: string;
  /** Run the mock-plan tests as well. @default true */
  readonly tests?: boolean;
  /** Receives each line of progress. @default none */
  readonly log?: (line: string) => void;
}

async function terraformVersion(toolchain: Toolchain, cwd: string): Promise<string> {
  const res = await runTerraform(['version', '-json'], cwd, toolchain);
  return res.code === 0 ? (JSON.parse(res.stdout).terraform_version as string) : 'unknown';
}

/** Synthesizes, validates and mock-plans; the report says which provider version did the checking. */
export async function validateConfigurations(options: ValidateOptions): Promise<ValidationReport> {
  const configurations = options.configurations ?? CONFIGURATIONS;
  const log = options.log ?? (() => {});
  const tests = options.tests ?? true;
  const jobs: Job[] = [];
  const seen = new Map<string, Job>();
  let pinnedVersion = '';
  for (const named of configurations) {
    const config = loadConfig(named.env);
    const outdir = path.join(options.workDir, named.name);
    buildApp(config, { outdir, distDir: options.distDir ?? DIST }).app.synth();
    const stacksDir = path.join(outdir, 'stacks');
    const stacks = Object.fromEntries(
      readdirSync(stacksDir).map((s) => [s, JSON.parse(readFileSync(path.join(stacksDir, s, 'cdk.tf.json'), 'utf8'))]),
    );
    for (const stack of Object.keys(stacks).sort()) {
      const dir = path.join(stacksDir, stack);
      const test = mockPlanTest(stack, stacks, config);
      pinnedVersion ||= stacks[stack].terraform.required_providers.aws.version;
      const key = createHash('sha256')
        .update(readFileSync(path.join(dir, 'cdk.tf.json')))
        .update(test)
        .digest('hex');
      const twin = seen.get(key);
      if (twin) {
        twin.sameIn.push(named.name);
        continue;
      }
      writeFileSync(path.join(dir, `${stack}.tftest.hcl`), test);
      const job = { configuration: named.name, stack, dir, sameIn: [] };
      seen.set(key, job);
      jobs.push(job);
    }
  }
  const toolchain = prepareToolchain(options.workDir, pinnedVersion);
  for (const job of jobs) applyProxyVersion(job.dir, toolchain);
  const version = await terraformVersion(toolchain, options.workDir);
  const validatedVersion = toolchain.proxyVersion ?? pinnedVersion;
  const seedProblem = await seedProviders(
    options.workDir,
    toolchain,
    validatedVersion,
    jobs.map((j) => j.dir),
  );
  if (seedProblem) log(`seeding the provider failed, each stack inits by itself: ${seedProblem}`);
  log(
    `Terraform ${version}; AWS provider ${validatedVersion} from ${toolchain.source}` +
      (toolchain.proxyVersion
        ? ` (a schema proxy: the stacks pin ${pinnedVersion}, which the mirror does not hold)`
        : ''),
  );
  const check = async (job: Job) => {
    const result = await checkStack(job, toolchain, tests);
    log(formatResult(result));
    return result;
  };
  // The first init fills the plugin cache alone: concurrent first inits race on it.
  const [first, ...rest] = jobs;
  const results = first
    ? [await check(first), ...(await mapLimit(rest, Math.max(1, Math.min(4, os.availableParallelism())), check))]
    : [];
  return {
    toolchain,
    terraformVersion: version,
    providerSource: toolchain.source,
    pinnedVersion,
    validatedVersion,
    results,
  };
}

export function passed(report: ValidationReport): boolean {
  return report.results.every((r) => r.valid && (!r.tests || r.tests.failed === 0));
}

async function main(argv: readonly string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = strictArgs(
      argv,
      { config: { type: 'string', multiple: true }, 'no-tests': { type: 'boolean' }, keep: { type: 'boolean' } },
      `usage: npm run validate -- [--config ${CONFIGURATIONS.map((c) => c.name).join('|')}]... [--no-tests] [--keep]`,
    ));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const names = (values.config as string[] | undefined) ?? [];
  const tests = values['no-tests'] !== true;
  const keep = values.keep === true;
  const unknown = names.filter((n) => !CONFIGURATIONS.some((c) => c.name === n));
  if (unknown.length) {
    console.error(
      `unknown configuration ${unknown.join(', ')}; known: ${CONFIGURATIONS.map((c) => c.name).join(', ')}`,
    );
    return 2;
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'students-validate-'));
  const started = Date.now();
  try {
    const report = await validateConfigurations({
      workDir,
      configurations: names.length ? CONFIGURATIONS.filter((c) => names.includes(c.name)) : CONFIGURATIONS,
      tests,
      log: (line) => console.log(line),
    });
    const ok = passed(report);
    const failed = report.results.filter((r) => !r.valid || (r.tests?.failed ?? 0) > 0).length;
    console.log(
      `\n${ok ? 'validate: passed' : 'validate: FAILED'}: ${report.results.length} stacks, ${failed} failing, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (keep) console.log(`kept ${workDir}`);
    return ok ? 0 : 1;
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
