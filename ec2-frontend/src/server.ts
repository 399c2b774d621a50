/**
 * Starts the frontend: `node server.js` in dist/frontend, or `tsx ec2-frontend/src/server.ts`.
 * With more than one worker (`FRONTEND_WORKERS`) this process becomes the primary (`primary.ts`)
 * and each worker runs the server. SIGTERM stops accepting connections, lets in-flight requests
 * finish, then exits 0.
 */
import cluster from 'node:cluster';
import type { Server, ServerResponse } from 'node:http';
import { log } from '../../core/log';
import { createApp } from './app';
import { FrontendConfigError, loadFrontendConfig, type FrontendConfig } from './config';
import { runPrimary } from './primary';
import { resolveSealKeys } from './seal-keys';

/** Above the load balancer's 60 s idle timeout, so the ALB always closes first (no 502s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How long a drain may wait for in-flight requests before it closes what is left. */
export const SHUTDOWN_GRACE_MS = 25_000;

/** Responses not yet sent, per server, and the servers that are draining. */
const inFlight = new WeakMap<Server, Set<ServerResponse>>();
const draining = new WeakSet<Server>();

export async function startServer(config: FrontendConfig): Promise<Server> {
  const app = createApp(config, { sealKeys: await resolveSealKeys(config.seal) });
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, (err?: Error) => {
      if (err) return reject(err);
      resolve(server);
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.requestTimeout = 30_000;
    const open = new Set<ServerResponse>();
    inFlight.set(server, open);
    server.on('request', (_req, res: ServerResponse) => {
      if (draining.has(server)) res.setHeader('Connection', 'close');
      open.add(res);
      res.once('close', () => open.delete(res));
    });
    server.once('error', reject);
  });
}

/**
 * Stops accepting, closes idle keep-alive connections, and lets in-flight requests finish on
 * connections that then close: a client's kept-alive connection would otherwise hold the drain
 * open until the grace runs out.
 */
export function drain(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  draining.add(server);
  for (const res of inFlight.get(server) ?? []) {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    else res.once('finish', () => res.socket?.end());
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let config: FrontendConfig;
  try {
    config = loadFrontendConfig(process.env);
  } catch (err) {
    if (err instanceof FrontendConfigError) {
      console.error(`frontend: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // Always printed, whatever LOG_LEVEL says: supervisors (the local stack, tests) read the port from it.
  const announce = (port: number) =>
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'frontend listening', port, api: config.apiEndpoint, workers: config.workers })}\n`,
    );
  if (cluster.isPrimary && config.workers > 1) return runPrimary(config, { announce });
  let server: Server;
  try {
    server = await startServer(config);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE' ? `frontend: port ${config.port} is already in use` : `frontend: ${(err as Error).message}`,
    );
    process.exit(1);
  }
  const address = server.address();
  // A worker's primary announces the port once every worker listens.
  if (cluster.isPrimary) announce(typeof address === 'object' && address ? address.port : config.port);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'frontend draining', { signal });
    drain(server).then(() => {
      log('info', 'frontend stopped', { signal });
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by a supervisor with an IPC channel (the local stack, or the primary): leave with it, never orphaned.
  if (process.send) process.on('disconnect', () => stop('supervisor-exit'));
}

if (require.main === module) {
  void main();
}
