/**
 * Validation benchmark: wall time of `terraform init` + `validate` for every stack of one
 * configuration (dev), then the same with the mock-plan tests, median of 3 each.
 * Run with `npm run bench:validate`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIGURATIONS } from '../terraform/configurations';
import { formatResult, passed, validateConfigurations } from '../terraform/validate';
import { machineFacts, summarize, table, writeResultIfAsked } from './stats';

const RUNS = 3;

export interface ValidateBench {
  stacks: number;
  providerVersion: string;
  validateMedianS: number;
  withTestsMedianS: number;
}

async function once(tests: boolean): Promise<{ seconds: number; stacks: number; version: string }> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  try {
    const started = performance.now();
    const report = await validateConfigurations({
      workDir,
      configurations: CONFIGURATIONS.filter((c) => c.name === 'dev'),
      tests,
    });
    if (!passed(report)) {
      const failing = report.results.filter((r) => !r.valid || (r.tests?.failed ?? 0) > 0).map(formatResult);
      throw new Error(`validation failed:\n${failing.join('\n')}`);
    }
    return {
      seconds: (performance.now() - started) / 1000,
      stacks: report.results.length,
      version: report.validatedVersion,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export async function benchValidate(): Promise<ValidateBench> {
  const plain: number[] = [];
  const tested: number[] = [];
  let stacks = 0;
  let providerVersion = '';
  for (let i = 0; i < RUNS; i++) {
    const a = await once(false);
    plain.push(a.seconds);
    tested.push((await once(true)).seconds);
    stacks = a.stacks;
    providerVersion = a.version;
  }
  return { stacks, providerVersion, validateMedianS: summarize(plain).p50, withTestsMedianS: summarize(tested).p50 };
}

export function validateTable(r: ValidateBench): string {
  return table(
    ['configuration', 'stacks', 'provider', `init + validate, median of ${RUNS}`, 'with mock-plan tests'],
    [['dev', r.stacks, r.providerVersion, `${r.validateMedianS.toFixed(1)} s`, `${r.withTestsMedianS.toFixed(1)} s`]],
  );
}

if (require.main === module) {
  benchValidate().then((r) => {
    writeResultIfAsked(r);
    console.log(`machine: ${JSON.stringify(machineFacts())}\n`);
    console.log(validateTable(r));
  });
}
