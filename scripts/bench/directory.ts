/**
 * Directory benchmark: does a page view cost the same whatever the number of students? Seeds
 * 1,000, 10,000 and 50,000 students into the local data tier (as the signup Lambda writes them),
 * then loads `GET /` through the whole local chain (frontend → local API → Lambda → dynalite) for
 * the first page, a deep page (90 % into the order) and a name search, at 10 connections.
 * Every view answers a full page (50 students) at every size, so a change in latency is the
 * table's size, not the answer's: a search for a whole name would return 8 students among 1,000
 * and 50 among 50,000, and compare those two pages instead.
 * At 50,000, 1,000 of the students share one name, and a fourth view opens the page that holds the
 * last of them: a position is the exact index key, so that page must cost what page 1 costs.
 * Targets: p50 at 50,000 within 1.5× of p50 at 1,000, and p99 ≤ 100 ms, for each; the same-name
 * page's p50 within 1.5× of page 1's at 50,000. `npm run bench:directory`.
 */
import autocannon from 'autocannon';
import { encodePosition, nameKeyOf, positionOf } from '../../core/directory';
import { PAGE_SIZE } from '../../ec2-frontend/src/config';
import { listHref } from '../../ec2-frontend/src/pagination';
import { Sealer } from '../../ec2-frontend/src/seal';
import { generatedStudent, seedStudents } from '../local/seed';
import { startLocalStack } from '../local/stack';
import { machineFacts, table, writeResultIfAsked } from './stats';

const SIZES = [1_000, 10_000, 50_000];
const CONNECTIONS = 10;
const DURATION_S = 8;
const TARGET_P99_MS = 100;
const TARGET_GROWTH = 1.5;
/** Students who share one name at the largest size. */
const SAME_NAME = { name: 'Zed Same', count: 1_000 };
const SAME_NAME_VIEW = `same name (last of ${SAME_NAME.count.toLocaleString('en')})`;

interface Figures {
  students: number;
  view: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(url: string): Promise<Omit<Figures, 'students' | 'view'>> {
  // As a browser asks: the page compressed.
  const headers = { 'accept-encoding': 'gzip, deflate, br' };
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers }); // warm-up
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

async function benchSize(n: number): Promise<Figures[]> {
  const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
  try {
    const largest = n === SIZES[SIZES.length - 1];
    const step = Math.floor(n / SAME_NAME.count);
    const students = Array.from({ length: n }, (_, i) => {
      const s = generatedStudent(i);
      return largest && i % step === 0 ? { ...s, name: SAME_NAME.name } : s;
    });
    const t = performance.now();
    await seedStudents(stack.data.endpoint, stack.tableName, students);
    console.error(`seeded ${n} students in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ordered = students
      .map((s) => [nameKeyOf(s), s] as const)
      .sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const deep = ordered[Math.floor(n * 0.9)]![1];
    // Links as the portal makes them: sealed with the local stack's key.
    const sealer = new Sealer([{ generation: 1, secret: Buffer.from(stack.sealSecret, 'base64url') }]);
    const link = (state: { from?: string; q?: string }) => listHref(state, sealer).replace(/#students$/, '');
    const views: [string, string][] = [
      ['page 1', '/'],
      ['deep page (90 %)', link({ from: encodePosition(positionOf(deep)) })],
      ['search "zoë"', link({ q: 'zoë' })],
    ];
    if (largest) {
      const same = ordered.filter(([, s]) => s.name === SAME_NAME.name);
      views.push([SAME_NAME_VIEW, link({ from: encodePosition(positionOf(same[same.length - PAGE_SIZE]![1])) })]);
    }
    const out: Figures[] = [];
    for (const [view, path] of views) {
      const check = await fetch(`${stack.webUrl}${path}`);
      const rows = (await check.text()).split('<td data-label="Name">').length - 1;
      if (check.status !== 200 || rows !== PAGE_SIZE)
        throw new Error(`${view}: answered ${check.status} with ${rows} students, not a full page of ${PAGE_SIZE}`);
      out.push({ students: n, view, ...(await load(`${stack.webUrl}${path}`)) });
    }
    return out;
  } finally {
    await stack.stop();
  }
}

export async function benchDirectory(): Promise<Figures[]> {
  const all: Figures[] = [];
  for (const n of SIZES) all.push(...(await benchSize(n)));
  return all;
}

/** Whether each view's p50 at the largest size is within the growth target of the smallest's, and every p99 is. */
export function directoryVerdicts(rows: Figures[]): string[] {
  const views = [...new Set(rows.map((r) => r.view))].filter((v) => v !== SAME_NAME_VIEW);
  const same = rows.find((r) => r.view === SAME_NAME_VIEW);
  const first = rows.filter((r) => r.view === 'page 1' && r.students === same?.students)[0];
  const sameVerdict = (): string => {
    if (!same || !first) return `${SAME_NAME_VIEW}: not measured → MISSED`;
    const ratio = same.p50Ms / Math.max(first.p50Ms, 1);
    const ok = ratio <= TARGET_GROWTH && same.non2xx + same.errors === 0;
    return `${SAME_NAME_VIEW} at ${same.students.toLocaleString('en')}: p50 ${same.p50Ms} ms against page 1's ${first.p50Ms} ms (×${ratio.toFixed(2)}, target ≤ ×${TARGET_GROWTH}) → ${ok ? 'met' : 'MISSED'}`;
  };
  return [
    ...views.map((view) => {
      const of = rows.filter((r) => r.view === view);
      const small = of[0]!;
      const large = of[of.length - 1]!;
      const growth = large.p50Ms / Math.max(small.p50Ms, 1);
      const p99ok = of.every((r) => r.p99Ms <= TARGET_P99_MS && r.non2xx + r.errors === 0);
      return `${view}: p50 ${small.p50Ms} → ${large.p50Ms} ms (×${growth.toFixed(2)}, target ≤ ×${TARGET_GROWTH}), p99 ≤ ${TARGET_P99_MS} ms: ${p99ok ? 'yes' : 'NO'} → ${growth <= TARGET_GROWTH && p99ok ? 'met' : 'MISSED'}`;
    }),
    sameVerdict(),
  ];
}

export function directoryTable(rows: Figures[]): string {
  return table(
    [
      `GET / through the local chain, ${CONNECTIONS} connections, ${DURATION_S} s`,
      'view',
      'req/s',
      'p50',
      'p99',
      'non-2xx',
      'errors',
    ],
    rows.map((r) => [
      r.students.toLocaleString('en'),
      r.view,
      r.rps.toFixed(0),
      `${r.p50Ms} ms`,
      `${r.p99Ms} ms`,
      r.non2xx,
      r.errors,
    ]),
  );
}

if (require.main === module) {
  benchDirectory()
    .then((rows) => {
      writeResultIfAsked(rows);
      console.log(`machine: ${JSON.stringify(machineFacts())}\n`);
      console.log(directoryTable(rows));
      const verdicts = directoryVerdicts(rows);
      console.log(`\n${verdicts.join('\n')}`);
      console.log(verdicts.every((v) => v.endsWith('met')) ? '\ntargets met' : '\nTARGET MISSED');
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
