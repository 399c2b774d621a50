/**
 * The whole application on one machine: dynalite (data), the local API Gateway with the
 * built Lambda bundles (logic), and the built frontend (presentation), wired as the stacks
 * wire them: the same table definition, routes, stage and function environment.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import {
  type ApiAccess,
  CORS_ORIGINS_VARIABLE,
  type DirectoryMode,
  DIRECTORY_ORDER_VARIABLE,
  FUNCTION_NAMES,
  type FunctionName,
  PORTS,
  TABLE_NAME_VARIABLE,
  TIME_BUDGETS,
  tableNameFor,
} from '../../core/contract';
import { DIST } from '../dist';
import { startLocalApi, type LocalApi } from './api-gateway';
import { startLocalFrontend } from './frontend-process';
import { type SignInStandIn, startSignInStandIn } from './sign-in-stand-in';
import { ensureStudentsTable, LOCAL_AWS_ENV, startDataTier, type DataTier } from './data-tier';
import { LambdaProcess } from './lambda-process';
import { ensurePortFree } from './net';

export const LOCAL_ENVIRONMENT = 'local';

export interface LocalStackOptions {
  /** Frontend port; 0 picks a free one. @default PORTS.frontend (3000) */
  readonly webPort?: number;
  /** API port; 0 picks a free one. @default PORTS.localApi (3001) */
  readonly apiPort?: number;
  /** dynalite port; 0 picks a free one. @default 0 */
  readonly dataPort?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** LevelDB directory that keeps data across restarts; in memory when undefined. */
  readonly dataDir?: string;
  /** Delete what dataDir holds before starting. @default false */
  readonly fresh?: boolean;
  /** Built artifacts. @default '<project>/dist' */
  readonly distDir?: string;
  /** Receives log lines, already prefixed with their tier. @default none */
  readonly log?: (line: string) => void;
  /**
   * Called when a tier's process exits while the stack is running (not when it stops), with the
   * tier's name and how it ended. The functions need no watch: a dead one restarts on its next call.
   * @default none
   */
  readonly onTierExit?: (tier: string, how: string) => void;
  /**
   * The list function serves the name order, as `STUDENTS_DIRECTORY_ORDER` sets it when deployed.
   * @default true
   */
  readonly directoryOrder?: boolean;
  /** Who may call the local API, as `STUDENTS_API_ACCESS` when deployed. @default 'iam' */
  readonly apiAccess?: ApiAccess;
  /** Origins CORS allows with `public` access. @default none */
  readonly corsOrigins?: readonly string[];
  /** Who sees the directory, as `STUDENTS_DIRECTORY` when deployed. @default 'names' */
  readonly directory?: DirectoryMode;
  /**
   * The load balancer's staff sign-in, stood in for by a proxy on the web port (sign-in-stand-in.ts).
   * @default off (the frontend itself on the web port)
   */
  readonly staffSignIn?: boolean | { readonly sessionSeconds?: number; readonly tokenSeconds?: number };
}

export interface LocalStack {
  readonly webUrl: string;
  readonly apiUrl: string;
  /** `<apiUrl>/dev/student`, as the frontend calls it. */
  readonly studentUrl: string;
  readonly dataEndpoint: string;
  readonly tableName: string;
  /** The running tiers, for fault tests that stop one. */
  readonly data: DataTier;
  readonly api: LocalApi;
  readonly functions: ReadonlyMap<FunctionName, LambdaProcess>;
  readonly frontend: ChildProcess;
  /** The frontend's sealing secret (a random one per start), for tests that must seal as it does. */
  readonly sealSecret: string;
  stop(): Promise<void>;
}

/** The environment the API stack gives each function, pointed at the local store. */
export function functionEnvironment(dataEndpoint: string, tableName: string): Record<string, string> {
  return {
    ...LOCAL_AWS_ENV,
    [TABLE_NAME_VARIABLE]: tableName,
    AWS_ENDPOINT_URL_DYNAMODB: dataEndpoint,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
}

export interface LocalBackend {
  readonly data: DataTier;
  readonly api: LocalApi;
  /** The functions' worker processes, for fault drills (the soak pauses one). */
  readonly functions: ReadonlyMap<FunctionName, LambdaProcess>;
  readonly tableName: string;
  stop(): Promise<void>;
}

/** The data and logic tiers: dynalite with the table, the functions, and the local API Gateway. */
export async function startBackend(options: Omit<LocalStackOptions, 'webPort'> = {}): Promise<LocalBackend> {
  const host = options.host ?? '127.0.0.1';
  const apiPort = options.apiPort ?? PORTS.localApi;
  const distDir = options.distDir ?? DIST;
  const log = options.log ?? (() => {});
  await ensurePortFree(apiPort, host, 'logic tier (local API Gateway)');

  if (options.dataDir && options.fresh) rmSync(options.dataDir, { recursive: true, force: true });
  const data = await startDataTier({ port: options.dataPort ?? 0, host, dataDir: options.dataDir });
  const tableName = tableNameFor(LOCAL_ENVIRONMENT);
  const created = await ensureStudentsTable(data.endpoint, tableName);
  log(
    `data  dynalite ${data.endpoint}, table ${tableName} (${created ? 'created' : 'existing'}; ${options.dataDir ? `stored in ${options.dataDir}` : 'in memory'})`,
  );

  const env = functionEnvironment(data.endpoint, tableName);
  const functions = new Map<FunctionName, LambdaProcess>(
    FUNCTION_NAMES.map((fn) => [
      fn,
      new LambdaProcess({
        bundle: path.join(distDir, 'lambdas', fn, 'index.js'),
        functionName: fn,
        env: {
          ...env,
          ...(options.apiAccess === 'public' ? { [CORS_ORIGINS_VARIABLE]: (options.corsOrigins ?? []).join(',') } : {}),
          ...(fn === 'list-students'
            ? { [DIRECTORY_ORDER_VARIABLE]: options.directoryOrder === false ? 'off' : 'on' }
            : {}),
        },
        timeoutMs: TIME_BUDGETS.functionMs,
        onLine: (line) => log(`fn    ${fn}: ${line}`),
      }),
    ]),
  );
  await Promise.all([...functions.values()].map((f) => f.start()));

  const api = await startLocalApi({
    port: apiPort,
    host,
    invoke: (fn, event) => functions.get(fn)!.invoke(event),
    access: options.apiAccess ?? 'iam',
    corsOrigins: options.corsOrigins,
    onRequest: (r) => log(`api   ${r.method} ${r.path} ${r.status} ${r.ms.toFixed(1)}ms${r.fn ? ` (${r.fn})` : ''}`),
  });
  log(
    `api   ${api.studentUrl} (stage and resource as deployed; ${options.apiAccess === 'public' ? 'public' : 'signed calls only (IAM)'})`,
  );
  return {
    data,
    api,
    functions,
    tableName,
    stop: async () => {
      await api.close();
      await Promise.all([...functions.values()].map((f) => f.stop()));
      await data.close().catch(() => {});
    },
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const webPort = options.webPort ?? PORTS.frontend;
  const distDir = options.distDir ?? DIST;
  const log = options.log ?? (() => {});
  await ensurePortFree(webPort, host, 'presentation tier (frontend)');
  const backend = await startBackend(options);
  const { data, api, tableName } = backend;
  const sealSecret = randomBytes(32).toString('base64url');

  let frontend: { child: ChildProcess; port: number };
  let signIn: SignInStandIn | undefined;
  try {
    // With staff sign-in, the stand-in load balancer takes the web port and the frontend sits behind it.
    if (options.staffSignIn)
      signIn = await startSignInStandIn({
        host,
        port: webPort,
        ...(options.staffSignIn === true ? {} : options.staffSignIn),
      });
    frontend = await startLocalFrontend(distDir, host, signIn ? 0 : webPort, api.studentUrl, log, {
      apiAccess: options.apiAccess ?? 'iam',
      directory: options.directory ?? 'names',
      sealSecret,
      extraEnv: signIn?.frontendEnv ?? {},
    });
    signIn?.forwardTo(frontend.port);
  } catch (err) {
    await signIn?.close();
    await backend.stop();
    throw err;
  }
  const webUrl = signIn?.url ?? `http://${host}:${frontend.port}`;

  let stopped: Promise<void> | undefined;
  const watch = (child: ChildProcess, tier: string) =>
    child.once('exit', (code, signal) => {
      if (!stopped) options.onTierExit?.(tier, signal ? `killed by ${signal}` : `exit code ${code}`);
    });
  watch(frontend.child, 'presentation tier (frontend)');
  watch(data.process, 'data tier (dynalite)');
  const stop = () =>
    (stopped ??= (async () => {
      const child = frontend.child;
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await signIn?.close();
      await backend.stop();
    })());

  return {
    webUrl,
    apiUrl: api.url,
    studentUrl: api.studentUrl,
    dataEndpoint: data.endpoint,
    tableName,
    data,
    api,
    functions: backend.functions,
    frontend: frontend.child,
    sealSecret,
    stop,
  };
}
