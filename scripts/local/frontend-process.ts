/**
 * Runs a built frontend (`dist/frontend/server.js`) as its own Node process and waits for the
 * line in which it reports its port. The local stack, the artifact test and the benchmark use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ApiAccess, DirectoryMode } from '../../core/contract';
import { LOCAL_AWS_ENV } from './data-tier';

export interface FrontendProcessOptions {
  /** Path of the bundled `server.js`; it runs from its own directory. */
  readonly serverJs: string;
  /** The whole environment of the process (PORT, HOST, API_ENDPOINT, LOG_LEVEL…). */
  readonly env: Record<string, string>;
  /** Receives every line the frontend writes. @default none */
  readonly onLine?: (line: string) => void;
  /** How long to wait for the listening line, in ms. @default 15000 */
  readonly timeoutMs?: number;
}

export function spawnFrontend(options: FrontendProcessOptions): Promise<{ child: ChildProcess; port: number }> {
  if (!existsSync(options.serverJs)) throw new Error(`${options.serverJs} is missing: run npm run build`);
  const child = spawn(process.execPath, [options.serverJs], {
    cwd: path.dirname(options.serverJs),
    env: options.env,
    // The IPC channel ends when this process does, and the frontend then drains and exits.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(
        new Error(
          `presentation tier (frontend) did not report listening within ${(options.timeoutMs ?? 15_000) / 1000} s`,
        ),
      );
    }, options.timeoutMs ?? 15_000);
    const onLine = (line: string) => {
      options.onLine?.(line);
      if (settled) return;
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === 'frontend listening' && parsed.port) {
          settled = true;
          clearTimeout(timer);
          resolve({ child, port: parsed.port });
        }
      } catch {
        // not JSON: an error message, passed to onLine above
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`presentation tier (frontend) exited with code ${code} before listening`));
      }
    });
  });
}

/** The local stack's frontend: the built artifact with the environment the instances give it. */
export function startLocalFrontend(
  distDir: string,
  host: string,
  port: number,
  studentUrl: string,
  log: (l: string) => void,
  access: { apiAccess: ApiAccess; sealSecret: string; directory: DirectoryMode; extraEnv: Record<string, string> },
): Promise<{ child: ChildProcess; port: number }> {
  return spawnFrontend({
    serverJs: path.join(distDir, 'frontend', 'server.js'),
    env: {
      PATH: process.env.PATH ?? '',
      // The instance role's stand-in: the credentials the local gateway checks signatures against.
      ...LOCAL_AWS_ENV,
      API_ACCESS: access.apiAccess,
      DIRECTORY_MODE: access.directory,
      SEAL_SECRET: access.sealSecret,
      PORT: String(port),
      HOST: host,
      API_ENDPOINT: studentUrl,
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      // One process beside the other tiers on a developer's machine; the instances run one per vCPU.
      FRONTEND_WORKERS: process.env.FRONTEND_WORKERS ?? '1',
      ...access.extraEnv,
    },
    onLine: (line) => log(`web   ${line}`),
  });
}
