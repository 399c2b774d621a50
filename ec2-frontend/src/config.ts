/** The frontend's configuration, read and validated once from the environment. */
import { availableParallelism } from 'node:os';

/** More workers than this would only add memory: a page is CPU work of well under a millisecond. */
export const MAX_WORKERS = 16;

export interface FrontendConfig {
  /** Port to listen on. */
  readonly port: number;
  /** Address to listen on. */
  readonly host: string;
  /** The API's `/student` URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/dev/student`. */
  readonly apiEndpoint: string;
  /** Timeout of each API call, in ms. */
  readonly apiTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Students on one page of the list. */
  readonly pageSize: number;
  /** Proxy hops to trust for the client address (the load balancer is one). */
  readonly trustProxy: number;
  /** Server processes sharing the port (`FRONTEND_WORKERS`): one per vCPU unless set; 1 runs no primary. */
  readonly workers: number;
}

export class FrontendConfigError extends Error {}

export function loadFrontendConfig(env: Record<string, string | undefined>): FrontendConfig {
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new FrontendConfigError(`PORT: "${env.PORT}" is not a port number`);
  const apiEndpoint = env.API_ENDPOINT ?? '';
  let url: URL;
  try {
    url = new URL(apiEndpoint);
  } catch {
    throw new FrontendConfigError(`API_ENDPOINT: "${apiEndpoint}" is not a URL; set it to the API's /student URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FrontendConfigError(`API_ENDPOINT: must be http or https, not ${url.protocol}`);
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel))
    throw new FrontendConfigError(`LOG_LEVEL: "${env.LOG_LEVEL}" must be debug, info, warn, error or silent`);
  const apiTimeoutMs = Number(env.API_TIMEOUT_MS ?? '3000');
  if (!Number.isInteger(apiTimeoutMs) || apiTimeoutMs < 100 || apiTimeoutMs > 28000)
    throw new FrontendConfigError(`API_TIMEOUT_MS: must be 100..28000`);
  const workers = Number(env.FRONTEND_WORKERS ?? Math.min(availableParallelism(), MAX_WORKERS));
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new FrontendConfigError(
      `FRONTEND_WORKERS: "${env.FRONTEND_WORKERS}" must be a whole number from 1 to ${MAX_WORKERS} (processes serving the port)`,
    );
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    apiEndpoint: url.toString().replace(/\/$/, ''),
    apiTimeoutMs,
    logLevel: logLevel as FrontendConfig['logLevel'],
    pageSize: 50,
    trustProxy: 1,
    workers,
  };
}
