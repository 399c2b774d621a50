/**
 * Starts the frontend: `node server.js` in dist/frontend, or `tsx ec2-frontend/src/server.ts`.
 * SIGTERM stops accepting connections, lets in-flight requests finish, then exits 0.
 */
import type { Server } from 'node:http';
import { log } from '../../lambdas/shared/log';
import { createApp } from './app';
import { FrontendConfigError, loadFrontendConfig, type FrontendConfig } from './config';

/** Above the load balancer's 60 s idle timeout, so the ALB always closes first (no 502s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SHUTDOWN_GRACE_MS = 25_000;

export function startServer(config: FrontendConfig): Promise<Server> {
  const app = createApp(config);
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, (err?: Error) => {
      if (err) return reject(err);
      resolve(server);
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
    server.requestTimeout = 30_000;
    server.once('error', reject);
  });
}

/** Stops accepting, finishes in-flight requests, closes idle keep-alive connections. */
export function drain(server: Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
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
  // Always printed, whatever LOG_LEVEL says: supervisors (the local stack, tests) read the port from it.
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'frontend listening', port, api: config.apiEndpoint })}\n`,
  );
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
  // Started by a supervisor with an IPC channel (the local stack): leave with it, never orphaned.
  if (process.send) process.on('disconnect', () => stop('supervisor-exit'));
}

if (require.main === module) {
  void main();
}
