/**
 * One synthesized stack folder through real Terraform: the provider seeded once for all of them,
 * `init` when a folder has none, `validate -json`, and the mock-plan `terraform test`.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTerraform, type Toolchain } from './toolchain';

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

/**
 * Installs the provider once, in a seed folder, and gives every stack a copy of the seed's
 * `.terraform` (links into the plugin cache) and lock file. Terraform's plugin cache is not safe
 * for concurrent use: parallel inits fail ("still not detected in … plugin-cache"), and an init
 * can even break the links of a validate running beside it. After the seed nothing writes to it.
 */
export async function seedProviders(
  workDir: string,
  toolchain: Toolchain,
  version: string,
  dirs: readonly string[],
): Promise<string | undefined> {
  const seed = path.join(workDir, 'provider-seed');
  mkdirSync(seed, { recursive: true });
  writeFileSync(
    path.join(seed, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version } } } }),
  );
  const init = await runTerraform(['init', '-backend=false', '-input=false', '-no-color'], seed, toolchain);
  if (init.code !== 0) return `terraform init failed: ${(init.stderr || init.stdout).trim()}`;
  for (const dir of dirs) {
    cpSync(path.join(seed, '.terraform'), path.join(dir, '.terraform'), { recursive: true, verbatimSymlinks: true });
    cpSync(path.join(seed, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
  }
  return undefined;
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
  // A seeded folder (see seedProviders) needs no init; others init one at a time.
  if (!existsSync(path.join(job.dir, '.terraform'))) {
    const init = await serially(() =>
      runTerraform(['init', '-backend=false', '-input=false', '-no-color'], job.dir, toolchain),
    );
    if (init.code !== 0)
      return done({ valid: false, diagnostics: [`terraform init failed: ${(init.stderr || init.stdout).trim()}`] });
  }
  const validate = await runTerraform(['validate', '-json', '-no-color'], job.dir, toolchain);
  const { valid, lines } = diagnostics(validate.stdout);
  if (!valid || !tests) return done({ valid, diagnostics: lines });
  const test = await runTerraform(['test', '-no-color'], job.dir, toolchain);
  const counts = /(\d+) passed, (\d+) failed/.exec(test.stdout);
  const passed = Number(counts?.[1] ?? 0);
  const failed = test.code === 0 ? Number(counts?.[2] ?? 0) : Math.max(1, Number(counts?.[2] ?? 0));
  return done({ valid, diagnostics: lines, tests: { passed, failed, output: `${test.stdout}${test.stderr}`.trim() } });
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
