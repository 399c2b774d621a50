/**
 * Frontend benchmark: GET / with 50 students on the page, on loopback at 50 connections.
 * - presentation tier alone: the built frontend, its API answered by a static loopback server,
 *   as deployed (one worker per vCPU; the target applies here: it measures the tier, not the
 *   cores it shares) and as one process (what one worker does);
 * - whole chain: the built frontend, the local API Gateway, the Lambda bundles and dynalite.
 * Also: how long the local stack takes to answer /healthz after start. `npm run bench:frontend`.
 */
import autocannon from 'autocannon';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { defaultWorkers } from '../../ec2-frontend/src/config';
import { FRONTEND_DIST } from '../build';
import { spawnFrontend } from '../local/frontend-process';
import { startLocalStack } from '../local/stack';
import { machineFacts, summarize, table, writeResultIfAsked } from './stats';
import { signedFetch } from '../local/signed-fetch';

const CONNECTIONS = 50;
const DURATION_S = 10;
const TARGET_P99_MS = 50;

export interface LoadFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface FrontendBench {
  /** Workers the deployed default runs here: one per vCPU. */
  workers: number;
  tierAlone: LoadFigures;
  tierOneWorker: LoadFigures;
  wholeChain: LoadFigures;
  startReadyMedianMs: number;
}

async function load(url: string): Promise<LoadFigures> {
  await autocannon({ url, connections: 10, duration: 2 }); // warm-up
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** The built frontend, with `workers` processes, against a loopback API that answers the list instantly. */
async function tierAlone(workers: number): Promise<LoadFigures> {
  const students = JSON.stringify(
    Array.from({ length: 50 }, (_, i) => ({
      name: `Student ${i}`,
      age: '30',
      email: `s${i}@example.com`,
      country: 'Norway',
    })),
  );
  const api = http.createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(students),
  );
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const { child, port } = await spawnFrontend({
    serverJs: path.join(FRONTEND_DIST, 'server.js'),
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      API_ENDPOINT: `http://127.0.0.1:${(api.address() as AddressInfo).port}/dev/student`,
      LOG_LEVEL: 'info',
      FRONTEND_WORKERS: String(workers),
    },
  });
  try {
    return await load(`http://127.0.0.1:${port}/`);
  } finally {
    child.kill('SIGTERM');
    api.close();
    api.closeAllConnections();
  }
}

async function readyTime(): Promise<number> {
  const t = performance.now();
  const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
  for (;;) {
    const res = await fetch(`${stack.webUrl}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
  }
  const ms = performance.now() - t;
  await stack.stop();
  return ms;
}

export async function benchFrontend(): Promise<FrontendBench> {
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) starts.push(await readyTime());

  const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
  try {
    for (let i = 0; i < 50; i++) {
      const res = await signedFetch(stack.studentUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: `Student ${i}`,
          age: String(18 + (i % 30)),
          email: `bench${i}@example.com`,
          country: 'Norway',
        }),
      });
      if (res.status !== 200) throw new Error(`seeding answered ${res.status}`);
    }
    const wholeChain = await load(`${stack.webUrl}/`);
    const workers = defaultWorkers();
    return {
      workers,
      tierAlone: await tierAlone(workers),
      tierOneWorker: await tierAlone(1),
      wholeChain,
      startReadyMedianMs: summarize(starts).p50,
    };
  } finally {
    await stack.stop();
  }
}

export function frontendTable(r: FrontendBench): string {
  const row = (name: string, f: LoadFigures) => [
    name,
    f.rps.toFixed(0),
    `${f.p50Ms} ms`,
    `${f.p99Ms} ms`,
    f.requests,
    f.non2xx,
    f.errors,
  ];
  return [
    table(
      [
        `GET / with 50 students, ${CONNECTIONS} connections, ${DURATION_S} s`,
        'req/s',
        'p50',
        'p99',
        'requests',
        'non-2xx',
        'errors',
      ],
      [
        row(
          `presentation tier alone, ${r.workers} workers as deployed (target p99 ≤ ${TARGET_P99_MS} ms)`,
          r.tierAlone,
        ),
        row('presentation tier alone, 1 worker', r.tierOneWorker),
        row('whole local chain (frontend with 1 worker → API → Lambda → dynalite)', r.wholeChain),
      ],
    ),
    '',
    `local stack ready (health answering) after start: ${r.startReadyMedianMs.toFixed(0)} ms, median of 3 (target ≤ 5000 ms)`,
  ].join('\n');
}

if (require.main === module) {
  benchFrontend()
    .then((r) => {
      writeResultIfAsked(r);
      console.log(`machine: ${JSON.stringify(machineFacts())}\n`);
      console.log(frontendTable(r));
      console.log(
        r.tierAlone.p99Ms <= TARGET_P99_MS &&
          r.tierAlone.non2xx + r.wholeChain.non2xx + r.tierAlone.errors + r.wholeChain.errors === 0 &&
          r.startReadyMedianMs <= 5000
          ? '\ntargets met'
          : '\nTARGET MISSED',
      );
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
