/**
 * One run at a time per environment: plan, deploy, destroy, backfill and a restore's copy-back
 * each hold plans/<env>.lock (the holder's pid, command, host and start) while they work, so a
 * second run cannot re-plan under a deploy or apply beside it. A lock whose holder on this host
 * is no longer running is taken over, and said so.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLANS_DIR, privateDir } from './paths';

export interface LockHolder {
  readonly pid: number;
  readonly command: string;
  readonly host: string;
  readonly startedAt: string;
}

export class EnvironmentLocked extends Error {
  constructor(
    readonly env: string,
    readonly holder: LockHolder,
  ) {
    super(
      `Environment "${env}" is locked by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). Wait for it to finish; if that process is gone, delete ${lockPath(env)}.`,
    );
  }
}

export function lockPath(env: string): string {
  return path.join(PLANS_DIR, `${env}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the environment's lock for `command`; released when the process exits, or by the returned function. */
export function lockEnvironment(env: string, command: string): () => void {
  privateDir(PLANS_DIR);
  const file = lockPath(env);
  const me: LockHolder = { pid: process.pid, command, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const holder = readHolder(file);
      if (holder && (holder.host !== me.host || alive(holder.pid))) throw new EnvironmentLocked(env, holder);
      console.error(
        `Taking over the lock of environment "${env}"${holder ? ` left by ${holder.command} (pid ${holder.pid}, no longer running)` : ''}.`,
      );
      rmSync(file, { force: true });
    }
  }
  const release = () => {
    if (existsSync(file) && readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
  };
  process.once('exit', release);
  return release;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
