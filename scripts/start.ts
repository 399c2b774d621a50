/**
 * `npm start`: builds what is stale, then runs the three tiers on this machine.
 *   PORT (3000) and API_PORT (3001) choose the ports; `--fresh` or STUDENTS_FRESH=1 starts empty;
 *   STUDENTS_LOCAL_DATA_DIR moves the stored data (default .local-data/dynalite); STUDENTS_DIRECTORY
 *   sets who sees the directory, as deployed. Staff pages sign in through a stand-in for the load
 *   balancer (scripts/local/sign-in-stand-in.ts).
 * If a tier dies, it stops the others and exits 1 with a message: never half up.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PORTS } from '../core/contract';
import { directoryOf } from '../stacks/config';
import { buildFrontend, buildLambdas, DIST, ROOT } from './build';
import { type LocalStack, startLocalStack } from './local/stack';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name}: "${raw}" is not a port number (0-65535; 0 picks a free one)`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const started = Date.now();
  // The domain module is in both bundles.
  const shared = Math.max(newest(path.join(ROOT, 'lambdas')), newest(path.join(ROOT, 'core')));
  const lambdasStale =
    Math.max(shared, mtime(path.join(ROOT, 'scripts', 'build.ts'))) >
    Math.min(
      mtime(path.join(DIST, 'lambdas', 'list-students', 'index.js')),
      mtime(path.join(DIST, 'lambdas', 'signup-students', 'index.js')),
    );
  const frontendStale =
    Math.max(shared, newest(path.join(ROOT, 'ec2-frontend'))) > mtime(path.join(DIST, 'frontend', 'server.js'));
  if (lambdasStale || frontendStale) {
    await Promise.all([lambdasStale ? buildLambdas() : undefined, frontendStale ? buildFrontend() : undefined]);
    console.log(
      `build  ${[lambdasStale && 'lambdas', frontendStale && 'frontend'].filter(Boolean).join(' + ')} rebuilt in ${Date.now() - started} ms`,
    );
  } else {
    console.log('build  up to date');
  }

  let stopping = false;
  const fresh = process.argv.includes('--fresh') || /^(1|true|yes)$/i.test(process.env.STUDENTS_FRESH ?? '');
  const readyFrom = Date.now();
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      webPort: port('PORT', PORTS.frontend),
      apiPort: port('API_PORT', PORTS.localApi),
      dataDir: process.env.STUDENTS_LOCAL_DATA_DIR ?? path.join(ROOT, '.local-data', 'dynalite'),
      fresh,
      directory: directoryOf(process.env),
      // The load balancer's staff sign-in, stood in for: /staff asks for an email, any one.
      staffSignIn: true,
      log: (line) => console.log(line),
      onTierExit: (tier, how) => void fail(tier, how),
    });
  } catch (err) {
    console.error(`\nnpm start failed: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`\n  Student Registration Portal  ${stack.webUrl}`);
  console.log(`  Staff pages                  ${stack.webUrl}/staff  (local sign-in stand-in: any email signs in)`);
  console.log(`  API (GET/POST)               ${stack.studentUrl}`);
  console.log(`  DynamoDB (dynalite)          ${stack.dataEndpoint}  table ${stack.tableName}`);
  console.log(
    `  processes: frontend ${stack.frontend.pid}, dynalite ${stack.data.process.pid}, this supervisor ${process.pid}`,
  );
  console.log(`  ready in ${Date.now() - readyFrom} ms${fresh ? ' (fresh data)' : ''}; Ctrl-C stops everything\n`);

  async function fail(tier: string, how: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.error(
      `\nnpm start: the ${tier} stopped unexpectedly (${how}); stopping the other tiers. Run npm start again.`,
    );
    await stack.stop();
    process.exit(1);
  }
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the three tiers…`);
    await stack.stop();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
