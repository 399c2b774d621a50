/**
 * The primary process when the frontend runs more than one worker (`FRONTEND_WORKERS`, one per
 * vCPU by default): a page is CPU-bound work in one thread, so one process leaves every other
 * vCPU of the instance idle. The primary serves nothing itself. It forks the workers, which
 * share the port; reports "frontend listening" once all of them listen; replaces a worker that
 * crashes; and on SIGTERM has every worker drain before it exits 0.
 */
import cluster, { type Worker } from 'node:cluster';
import { errorFields, log, setLogLevel } from '../../core/log';
import type { FrontendConfig } from './config';

/** More crashes than this within the window stop the service: systemd restarts it, and it shows. */
const CRASH_LIMIT = 5;
const CRASH_WINDOW_MS = 60_000;
/** Above each worker's own drain grace (25 s), below systemd's TimeoutStopSec (30 s). */
const STOP_DEADLINE_MS = 28_000;

export interface PrimaryOptions {
  /** Prints the line supervisors read the port from. */
  readonly announce: (port: number) => void;
}

export function runPrimary(config: FrontendConfig, options: PrimaryOptions): void {
  setLogLevel(config.logLevel);
  let stopping = false;
  let started = false;
  const crashes: number[] = [];
  const listening = new Set<number>();

  const fork = (): Worker => cluster.fork();

  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log(exitCode === 0 ? 'info' : 'error', 'frontend draining', { signal: reason, workers: config.workers });
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    const deadline = setTimeout(() => {
      for (const w of workers) w.process.kill('SIGKILL');
    }, STOP_DEADLINE_MS);
    deadline.unref();
    let left = workers.filter((w) => !w.isDead()).length;
    const done = () => {
      clearTimeout(deadline);
      log('info', 'frontend stopped', { signal: reason });
      process.exit(exitCode);
    };
    if (left === 0) return done();
    for (const w of workers) {
      if (w.isDead()) continue;
      w.once('exit', () => {
        if (--left === 0) done();
      });
      w.process.kill('SIGTERM');
    }
  };

  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (!started && listening.size === config.workers) {
      started = true;
      options.announce(address.port);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) return;
    if (!started) {
      // A worker that cannot start (port taken, bad artifact) has said why on stderr; so will the rest.
      return stop('worker-failed-to-start', code || 1);
    }
    if (code === 0 && !signal) {
      // A worker leaves cleanly only when told to stop (systemd signals the whole unit): stop with it.
      return stop('worker-stopped');
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) crashes.shift();
    log('error', 'frontend worker exited', { pid: worker.process.pid, code, signal, crashesInWindow: crashes.length });
    if (crashes.length > CRASH_LIMIT) return stop('crash-loop', 1);
    fork();
  });

  cluster.on('error', (err) => log('error', 'frontend worker error', errorFields(err)));

  for (let i = 0; i < config.workers; i++) fork();

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by a supervisor with an IPC channel (the local stack): leave with it, never orphaned.
  if (process.send) process.on('disconnect', () => stop('supervisor-exit'));
}
