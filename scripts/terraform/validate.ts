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
import { applyProxyVersion, mapLimit, prepareToolchain, runTerraform, type Toolchain } from './toolchain';

export interface StackResult {
  readonly configuration: string;
  readonly stack: string;
  readonly dir: string;
  readonly valid: boolean;
  /** Validation errors and warnings, one line each (`file:line: summary: detail`). */
  readonly diagnostics: string[];
  /** `terraform test` counts, when tests ran. */
  readonly tests?: { readonly passed: number; readonly failed: number; readonly output: string };
  /** Also stands for these configurations, whose stack was byte-identical. */
  readonly sameIn: string[];
  readonly seconds: number;
}

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

export interface Job {
  readonly configuration: string;
  readonly stack: string;
  readonly dir: string;
  readonly sameIn: string[];
}

function diagnostics(json: string): { valid: boolean; lines: string[] } {
  const out = JSON.parse(json) as {
    valid: boolean;
    diagnostics: {
      severity: string;
      summary: string;
      detail?: string;
      range?: { filename: string; start: { line: number } };
    }[];
  };
  const lines = out.diagnostics.map(
    (d) =>
      `${d.range ? `${d.range.filename}:${d.range.start.line}: ` : ''}${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}`,
  );
  return { valid: out.valid, lines };
}

let queue: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** init, validate and (with `tests`) the mock-plan test of one synthesized stack folder. */
export async function checkStack(job: Job, toolchain: Toolchain, tests: boolean): Promise<StackResult> {
  const started = Date.now();
  const done = (r: Omit<StackResult, 'configuration' | 'stack' | 'dir' | 'sameIn' | 'seconds'>): StackResult => ({
    ...job,
    ...r,
    seconds: (Date.now() - started) / 1000,
  });
  // One init at a time: Terraform's plugin cache is not safe for concurrent use (it fails with
  // "still not detected in … plugin-cache"); validate and test then run in parallel.
  const init = await serially(() =>
    runTerraform(['init', '-backend=false', '-input=false', '-no-color'], job.dir, toolchain),
  );
  if (init.code !== 0)
    return done({ valid: false, diagnostics: [`terraform init failed: ${(init.stderr || init.stdout).trim()}`] });
  const validate = await runTerraform(['validate', '-json', '-no-color'], job.dir, toolchain);
  const { valid, lines } = diagnostics(validate.stdout);
  if (!valid || !tests) return done({ valid, diagnostics: lines });
  const test = await runTerraform(['test', '-no-color'], job.dir, toolchain);
  const counts = /(\d+) passed, (\d+) failed/.exec(test.stdout);
  const passed = Number(counts?.[1] ?? 0);
  const failed = test.code === 0 ? Number(counts?.[2] ?? 0) : Math.max(1, Number(counts?.[2] ?? 0));
  return done({ valid, diagnostics: lines, tests: { passed, failed, output: `${test.stdout}${test.stderr}`.trim() } });
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

export function formatResult(r: StackResult): string {
  const status = !r.valid ? 'INVALID' : r.tests && r.tests.failed > 0 ? 'TEST FAILED' : 'ok';
  const tests = r.tests ? `, mock plan ${r.tests.passed} passed ${r.tests.failed} failed` : '';
  const same = r.sameIn.length ? ` (same stack in ${r.sameIn.join(', ')})` : '';
  const lines = [
    `${status.padEnd(11)} ${r.configuration.padEnd(9)} ${r.stack.padEnd(28)} valid=${r.valid}${tests} ${r.seconds.toFixed(1)} s${same}`,
  ];
  for (const d of r.diagnostics) lines.push(`    ${d}`);
  if (r.tests && r.tests.failed > 0) lines.push(...r.tests.output.split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}

export function passed(report: ValidationReport): boolean {
  return report.results.every((r) => r.valid && (!r.tests || r.tests.failed === 0));
}

async function main(argv: readonly string[]): Promise<number> {
  const names: string[] = [];
  let tests = true;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config' && argv[i + 1]) names.push(argv[++i] as string);
    else if (arg === '--no-tests') tests = false;
    else if (arg === '--keep') keep = true;
    else {
      console.error(
        `unknown option ${arg}\nusage: npm run validate -- [--config ${CONFIGURATIONS.map((c) => c.name).join('|')}]... [--no-tests] [--keep]`,
      );
      return 2;
    }
  }
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
