/**
 * End-to-end load on the local stack: signups through the UI and the API at once, mixed with
 * malformed requests, then a paged read of everything. Nothing accepted may be missing and
 * nothing may answer 5xx, or the run fails.
 *   npm run bench:e2e                       # 2,400 signups + 400 malformed, 64 connections
 *   npm run soak                            # longer, with the data tier stopped and restarted mid-run
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NEXT_CURSOR_HEADER } from '../../core/contract';
import { startDataTier, type DataTier } from '../local/data-tier';
import { startLocalStack } from '../local/stack';
import { type E2eOptions, type Job, jobs } from './e2e-jobs';

export type { E2eOptions } from './e2e-jobs';
import { machineFacts, summarize, table, writeResultIfAsked } from './stats';
import { signedFetch } from '../local/signed-fetch';

export interface E2eResult {
  options: E2eOptions;
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  accepted: number;
  listed: number;
  missing: number;
  duplicatesListed: number;
  fiveHundreds: number;
  refusedDuringOutage: number;
  /** UI signups the frontend could not confirm (the signup worker paused), resubmitted as the page invites. */
  unknownOutcomes: number;
  retried: number;
}

export async function benchE2e(options: E2eOptions): Promise<E2eResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'students-e2e-'));
  const stack = await startLocalStack({ webPort: 0, apiPort: 0, dataDir });
  let replacement: DataTier | undefined;
  const queue = jobs(options);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const accepted = new Set<string>();
  let refusedDuringOutage = 0;
  /** UI signups answered "could not confirm" (then resubmitted, as the page invites). */
  let unknownOutcomes = 0;
  let paused = false;
  let retried = 0;
  let outage = false;
  const started = performance.now();
  try {
    const send = async (job: Job): Promise<number> => {
      const ui = job.kind === 'ui' || job.kind === 'bad-ui';
      const res = ui
        ? await fetch(`${stack.webUrl}/students`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: job.body,
          })
        : await signedFetch(stack.studentUrl, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: String(job.body),
          });
      const text = await res.text();
      if (ui && res.status === 503 && text.includes('could not confirm')) unknownOutcomes++;
      return res.status;
    };
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const job = queue[next++]!;
        for (let attempt = 0; ; attempt++) {
          const t = performance.now();
          const status = await send(job);
          latencies.push(performance.now() - t);
          const key = `${job.kind} ${status}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
          if (job.email && (status === 200 || status === 303)) accepted.add(job.email);
          if ((outage || paused) && status >= 500) refusedDuringOutage++;
          if (status < 500 || attempt >= (options.retries ?? 0)) break;
          retried++;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    const outageRun = async () => {
      if (!options.outageMs) return;
      while (next < queue.length / 2) await new Promise((r) => setTimeout(r, 20));
      const port = stack.data.port;
      outage = true;
      await stack.data.close();
      await new Promise((r) => setTimeout(r, options.outageMs));
      replacement = await startDataTier({ port, dataDir });
      outage = false;
    };
    const pauseRun = async () => {
      if (!options.apiPauseMs) return;
      while (next < (queue.length * 3) / 4) await new Promise((r) => setTimeout(r, 20));
      const pid = stack.functions.get('signup-students')?.pid;
      if (!pid) return;
      paused = true;
      process.kill(pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, options.apiPauseMs));
      process.kill(pid, 'SIGCONT');
      // Answers the paused worker still owes arrive after it resumes.
      await new Promise((r) => setTimeout(r, 1000));
      paused = false;
    };
    await Promise.all([...Array.from({ length: options.connections }, worker), outageRun(), pauseRun()]);
    const seconds = (performance.now() - started) / 1000;

    // Paged read of everything, as a client would page it.
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Response = await signedFetch(
        `${stack.studentUrl}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (res.status !== 200) throw new Error(`paged read answered ${res.status}`);
      listed.push(...((await res.json()) as { email: string }[]).map((s) => s.email));
      cursor = res.headers.get(NEXT_CURSOR_HEADER);
    } while (cursor);
    const listedSet = new Set(listed);
    const missing = [...accepted].filter((e) => !listedSet.has(e)).length;
    const s = summarize(latencies);
    const fiveHundreds = Object.entries(statuses)
      .filter(([k]) => Number(k.split(' ')[1]) >= 500)
      .reduce((a, [, v]) => a + v, 0);
    return {
      options,
      requests: latencies.length,
      seconds,
      rps: latencies.length / seconds,
      p50Ms: s.p50,
      p99Ms: s.p99,
      statuses,
      accepted: accepted.size,
      listed: listedSet.size,
      missing,
      duplicatesListed: listed.length - listedSet.size,
      fiveHundreds,
      refusedDuringOutage,
      retried,
      unknownOutcomes,
    };
  } finally {
    await stack.stop();
    await replacement?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Fails on loss always; on 5xx unless they fell inside a deliberate outage (soak). */
export function e2eFailures(r: E2eResult): string[] {
  const out: string[] = [];
  if (r.missing > 0) out.push(`${r.missing} accepted signups are missing from the list`);
  if (r.duplicatesListed > 0) out.push(`${r.duplicatesListed} students listed twice`);
  if (r.fiveHundreds - r.refusedDuringOutage > 0)
    out.push(`${r.fiveHundreds - r.refusedDuringOutage} answers were 5xx outside an outage`);
  return out;
}

export function e2eTable(r: E2eResult): string {
  const head = table(
    ['requests', 'connections', 'req/s', 'p50', 'p99', 'accepted', 'listed', 'missing', '5xx'],
    [
      [
        r.requests,
        r.options.connections,
        r.rps.toFixed(0),
        `${r.p50Ms.toFixed(1)} ms`,
        `${r.p99Ms.toFixed(1)} ms`,
        r.accepted,
        r.listed,
        r.missing,
        `${r.fiveHundreds}${r.options.outageMs ? ` (${r.refusedDuringOutage} during the ${r.options.outageMs} ms outage and the ${r.options.apiPauseMs ?? 0} ms API pause; ${r.unknownOutcomes} answered "could not confirm"; ${r.retried} resubmitted)` : ''}`,
      ],
    ],
  );
  const counts = table(
    ['request kind and status', 'count'],
    Object.entries(r.statuses)
      .sort()
      .map(([k, v]) => [k, v]),
  );
  return `${head}\n\n${counts}`;
}

if (require.main === module) {
  const soak = process.argv.includes('--soak');
  const options: E2eOptions = soak
    ? { signups: 12_000, malformed: 2_000, connections: 64, outageMs: 1500, apiPauseMs: 3000, retries: 40 }
    : { signups: 2_400, malformed: 400, connections: 64 };
  process.env.LOG_LEVEL ??= 'silent';
  benchE2e(options)
    .then((r) => {
      writeResultIfAsked(r);
      console.log(`machine: ${JSON.stringify(machineFacts())}\n`);
      console.log(e2eTable(r));
      const failures = e2eFailures(r);
      console.log(failures.length === 0 ? '\nnothing lost, no unexpected 5xx' : `\nFAILED: ${failures.join('; ')}`);
      process.exit(failures.length === 0 ? 0 : 1);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
