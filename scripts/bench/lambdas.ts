/**
 * Lambda benchmark: bundle size, cold load in a fresh Node process (median of 7), and warm
 * invocation p50/p99 against dynalite. Run with `npm run bench:lambdas`.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { FUNCTION_NAMES, type FunctionName, TABLE_NAME_VARIABLE } from '../../core/contract';
import { lambdaBundlePath } from '../build';
import { ensureStudentsTable, LOCAL_AWS_ENV, startDataTier } from '../local/data-tier';
import { buildProxyEvent } from '../local/proxy-event';
import { machineFacts, ms, summarize, table, writeResultIfAsked } from './stats';

const COLD_RUNS = 7;
const WARM_RUNS = 1000;
const TARGETS = { coldMs: 150, warmP50Ms: 5, bundleKB: 600 };

export interface LambdaBenchRow {
  fn: FunctionName;
  bundleKB: number;
  coldLoadMs: number;
  warmP50Ms: number;
  warmP99Ms: number;
}

function coldLoad(bundle: string, env: Record<string, string>): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples = Array.from({ length: COLD_RUNS }, () =>
    Number(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...env } }).toString()),
  );
  return summarize(samples).p50;
}

export async function benchLambdas(): Promise<LambdaBenchRow[]> {
  const store = await startDataTier({ port: 0 });
  const tableName = 'bench-students';
  await ensureStudentsTable(store.endpoint, tableName);
  const env = {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    [TABLE_NAME_VARIABLE]: tableName,
    LOG_LEVEL: 'error',
  };
  Object.assign(process.env, env);
  const rows: LambdaBenchRow[] = [];
  try {
    for (const fn of FUNCTION_NAMES) {
      const bundle = lambdaBundlePath(fn);
      const coldLoadMs = coldLoad(bundle, env);
      const { handler } = require(bundle) as { handler: (e: unknown) => Promise<{ statusCode: number }> };
      const event = (i: number) =>
        fn === 'signup-students'
          ? buildProxyEvent({
              method: 'POST',
              resource: '/student',
              path: '/student',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({
                name: `Bench ${i}`,
                age: '30',
                email: `bench${i}@example.com`,
                country: 'Norway',
              }),
            })
          : buildProxyEvent({ method: 'GET', resource: '/student', path: '/student', query: { limit: '50' } });
      for (let i = 0; i < 50; i++) await handler(event(-1 - i)); // warm up (and, for signups, give GET 50 rows)
      const samples: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) {
        const e = event(i);
        const t = performance.now();
        const res = await handler(e);
        samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${fn} answered ${res.statusCode} during the benchmark`);
      }
      const s = summarize(samples);
      rows.push({ fn, bundleKB: statSync(bundle).size / 1024, coldLoadMs, warmP50Ms: s.p50, warmP99Ms: s.p99 });
    }
  } finally {
    await store.close();
  }
  return rows;
}

export function lambdaTable(rows: LambdaBenchRow[]): string {
  return table(
    [
      'handler',
      `bundle (≤ ${TARGETS.bundleKB} KB)`,
      `cold load, median of ${COLD_RUNS} (≤ ${TARGETS.coldMs} ms)`,
      `warm p50 (≤ ${TARGETS.warmP50Ms} ms)`,
      'warm p99',
    ],
    rows.map((r) => [r.fn, `${r.bundleKB.toFixed(1)} KB`, ms(r.coldLoadMs), ms(r.warmP50Ms), ms(r.warmP99Ms)]),
  );
}

export function lambdaTargetsMet(rows: LambdaBenchRow[]): boolean {
  return rows.every(
    (r) => r.bundleKB <= TARGETS.bundleKB && r.coldLoadMs <= TARGETS.coldMs && r.warmP50Ms <= TARGETS.warmP50Ms,
  );
}

if (require.main === module) {
  benchLambdas()
    .then((rows) => {
      writeResultIfAsked(rows);
      console.log(`machine: ${JSON.stringify(machineFacts())}`);
      console.log(`warm runs: ${WARM_RUNS} sequential invocations per handler against dynalite on loopback\n`);
      console.log(lambdaTable(rows));
      console.log(lambdaTargetsMet(rows) ? '\nall targets met' : '\nTARGET MISSED');
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
