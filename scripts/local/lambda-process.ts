/**
 * A built Lambda bundle running in a child Node process (the runtime the Lambda gets),
 * invoked over IPC. The child is restarted on the next invocation if it dies.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface LambdaProcessOptions {
  /** Absolute path of the bundle (`dist/lambdas/<name>/index.js`). */
  bundle: string;
  /** Function name, for the context and log prefixes. */
  functionName: string;
  /** The environment the stack gives the function. */
  env: Record<string, string>;
  /** Receives every line the function writes to stdout or stderr. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Node options for the child, e.g. a TypeScript loader for sources. @default [] */
  execArgv?: string[];
  /** Invocation timeout in ms, as the function's configured timeout. @default 10000 */
  timeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  child: ChildProcess;
}

export class LambdaInvocationError extends Error {
  constructor(
    message: string,
    readonly kind: 'handler-error' | 'timeout' | 'function-timeout' | 'crash' | 'init',
  ) {
    super(message);
    this.name = 'LambdaInvocationError';
  }
}

const HOST = path.join(__dirname, 'lambda-host.cjs');

export class LambdaProcess {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();
  private stopped = false;

  constructor(private readonly options: LambdaProcessOptions) {}

  /** The worker's process id, while one runs (fault drills pause it). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the child now (otherwise it starts on the first invocation). */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const child = fork(HOST, [this.options.bundle], {
      // Only what the function would have: its environment, plus PATH and the Node options.
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--enable-source-maps', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execPath: process.execPath,
      execArgv: this.options.execArgv ?? [],
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) => this.options.onLine?.(line, stream));
    }
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (msg: { type: string; id?: string; result?: unknown; error?: { message: string } }) => {
        if (msg.type === 'ready') return resolve();
        if (msg.type === 'init-error')
          return reject(new LambdaInvocationError(`init failed: ${msg.error?.message}`, 'init'));
        const p = msg.id ? this.pending.get(msg.id) : undefined;
        if (!p) return;
        this.pending.delete(msg.id!);
        clearTimeout(p.timer);
        if (msg.type === 'result') p.resolve(msg.result);
        else p.reject(new LambdaInvocationError(msg.error?.message ?? 'handler failed', 'handler-error'));
      });
      child.on('exit', (code, signal) => {
        const err = new LambdaInvocationError(`${this.options.functionName} exited (${signal ?? code})`, 'crash');
        reject(err);
        for (const [id, p] of this.pending) {
          if (p.child !== child) continue;
          clearTimeout(p.timer);
          p.reject(err);
          this.pending.delete(id);
        }
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
      });
    });
    return this.ready;
  }

  async invoke(event: unknown): Promise<unknown> {
    if (this.stopped) throw new LambdaInvocationError(`${this.options.functionName} is stopped`, 'crash');
    await this.start();
    const id = randomUUID();
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const context = { awsRequestId: id, functionName: this.options.functionName, functionVersion: '$LATEST' };
    return new Promise((resolve, reject) => {
      const child = this.child!;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // Lambda's own timeout is a function error (API Gateway answers 502), not the integration's 504.
        reject(
          new LambdaInvocationError(`${this.options.functionName} timed out after ${timeoutMs} ms`, 'function-timeout'),
        );
        this.retire(child);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, child });
      child.send({ type: 'invoke', id, event, context });
    });
  }

  /**
   * A timed-out invocation is cancelled as Lambda does it, by ending its worker: new invocations
   * go to a fresh one at once, and the old one is killed when its other invocations are done.
   */
  private retire(child: ChildProcess): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
    const others = [...this.pending.values()].filter((p) => p.child === child);
    if (others.length === 0) child.kill('SIGKILL');
    else
      Promise.allSettled(
        others.map(
          (p) =>
            new Promise((r) => {
              const { resolve, reject } = p;
              p.resolve = (v) => {
                resolve(v);
                r(undefined);
              };
              p.reject = (e) => {
                reject(e);
                r(undefined);
              };
            }),
        ),
      ).then(() => child.kill('SIGKILL'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
