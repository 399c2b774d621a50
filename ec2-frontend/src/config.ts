/** The frontend's configuration, read and validated once from the environment. */
import { availableParallelism } from 'node:os';
import { API_ACCESS_MODES, type ApiAccess, DIRECTORY_MODES, type DirectoryMode, PORTS } from '../../core/contract';
import type { SealKey } from './seal';

/** More workers than this would only add memory: a page is CPU work of well under a millisecond. */
export const MAX_WORKERS = 16;
/** Students on one page of the list. */
export const PAGE_SIZE = 50;

/** One worker per vCPU, up to MAX_WORKERS: what `FRONTEND_WORKERS` defaults to. */
export function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_WORKERS);
}

export interface FrontendConfig {
  /** Port to listen on. */
  readonly port: number;
  /** Address to listen on. */
  readonly host: string;
  /** The API's `/student` URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/dev/student`. */
  readonly apiEndpoint: string;
  /** Timeout of each API call, in ms (a signup's, and the most any call may take). */
  readonly apiTimeoutMs: number;
  /**
   * Timeout of reading the list for a page, in ms: a slow API never holds up the form, which is
   * then shown with the list marked unavailable.
   */
  readonly listTimeoutMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Students on one page of the list. */
  readonly pageSize: number;
  /** Proxy hops to trust for the client address (the load balancer is one). */
  readonly trustProxy: number;
  /** Server processes sharing the port (`FRONTEND_WORKERS`): one per vCPU unless set; 1 runs no primary. */
  readonly workers: number;
  /** `iam`: every API call is signed with SigV4 (`API_ACCESS`). @default 'iam' */
  readonly apiAccess: ApiAccess;
  /** Who sees the directory (`DIRECTORY_MODE`, from `STUDENTS_DIRECTORY`). @default 'names' */
  readonly directory: DirectoryMode;
  /**
   * Staff sign-in at the load balancer (`STAFF_SIGNER_ARN`, the load balancer's ARN): the staff
   * pages trust its `x-amzn-oidc-data` once verified. Without it there are no staff pages.
   */
  readonly staff?: {
    readonly signerArn: string;
    /** `STAFF_KEYS_URL`: where `<kid>` keys are fetched. @default the load balancer's regional endpoint */
    readonly keysUrl: string;
    /** `STAFF_SIGN_OUT_URL`: where sign-out ends (the identity provider's logout). @default '/' */
    readonly signOutUrl: string;
  };
  /** The region calls are signed for: the API host's, else `AWS_REGION`. */
  readonly apiRegion: string;
  /**
   * Where the key that seals links and cookies comes from: a secret given as `SEAL_SECRET` (the
   * local stack), or a KMS HMAC key (`SEAL_KMS_KEY_ID`) and the key generation to seal with.
   */
  readonly seal:
    | { readonly kind: 'secret'; readonly keys: readonly SealKey[] }
    | { readonly kind: 'kms'; readonly keyId: string; readonly generation: number };
}

export class FrontendConfigError extends Error {}

export function loadFrontendConfig(env: Record<string, string | undefined>): FrontendConfig {
  const port = Number(env.PORT ?? PORTS.frontend);
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
  const listTimeoutMs = Number(env.LIST_TIMEOUT_MS ?? Math.min(1500, apiTimeoutMs));
  if (!Number.isInteger(listTimeoutMs) || listTimeoutMs < 100 || listTimeoutMs > apiTimeoutMs)
    throw new FrontendConfigError(
      `LIST_TIMEOUT_MS: "${env.LIST_TIMEOUT_MS}" must be 100..API_TIMEOUT_MS (${apiTimeoutMs})`,
    );
  const workers = Number(env.FRONTEND_WORKERS ?? defaultWorkers());
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new FrontendConfigError(
      `FRONTEND_WORKERS: "${env.FRONTEND_WORKERS}" must be a whole number from 1 to ${MAX_WORKERS} (processes serving the port)`,
    );
  const apiAccess = (env.API_ACCESS ?? 'iam') as ApiAccess;
  if (!API_ACCESS_MODES.includes(apiAccess))
    throw new FrontendConfigError(`API_ACCESS: "${env.API_ACCESS}" must be ${API_ACCESS_MODES.join(' or ')}`);
  const directory = (env.DIRECTORY_MODE?.trim() || 'names') as DirectoryMode;
  if (!DIRECTORY_MODES.includes(directory))
    throw new FrontendConfigError(`DIRECTORY_MODE: "${env.DIRECTORY_MODE}" must be ${DIRECTORY_MODES.join(', ')}`);
  const apiRegion = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? env.AWS_REGION ?? '';
  const staff = staffOf(env);
  // Staff calls (a removal) are signed even on a public API.
  if ((apiAccess === 'iam' || staff.staff) && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(apiRegion))
    throw new FrontendConfigError(`AWS_REGION: "${apiRegion}" is not a region; signed API calls need the API's region`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    apiEndpoint: url.toString().replace(/\/$/, ''),
    apiTimeoutMs,
    listTimeoutMs,
    logLevel: logLevel as FrontendConfig['logLevel'],
    pageSize: PAGE_SIZE,
    trustProxy: 1,
    workers,
    apiAccess,
    directory,
    ...staff,
    apiRegion,
    seal: sealSource(env),
  };
}

const ALB_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/[A-Za-z0-9-]+\/[0-9a-f]+$/;

function staffOf(env: Record<string, string | undefined>): Pick<FrontendConfig, 'staff'> {
  const signerArn = env.STAFF_SIGNER_ARN?.trim();
  if (!signerArn) return {};
  const region = ALB_ARN.exec(signerArn)?.[1];
  if (!region)
    throw new FrontendConfigError(`STAFF_SIGNER_ARN: "${signerArn}" is not an Application Load Balancer ARN`);
  const keysUrl = env.STAFF_KEYS_URL?.trim() || `https://public-keys.auth.elb.${region}.amazonaws.com`;
  const signOutUrl = env.STAFF_SIGN_OUT_URL?.trim() || '/';
  for (const [name, value] of [
    ['STAFF_KEYS_URL', keysUrl],
    ['STAFF_SIGN_OUT_URL', signOutUrl],
  ] as const)
    if (!/^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(value))
      throw new FrontendConfigError(`${name}: "${value}" is not an http(s) URL or a path`);
  return { staff: { signerArn, keysUrl: keysUrl.replace(/\/$/, ''), signOutUrl } };
}

function sealSource(env: Record<string, string | undefined>): FrontendConfig['seal'] {
  const keyId = env.SEAL_KMS_KEY_ID?.trim();
  if (keyId) {
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/.test(keyId))
      throw new FrontendConfigError(`SEAL_KMS_KEY_ID: "${keyId}" is not a KMS key ARN`);
    const generation = Number(env.SEAL_KEY_GENERATION ?? '1');
    if (!Number.isInteger(generation) || generation < 1 || generation > 254)
      throw new FrontendConfigError(
        `SEAL_KEY_GENERATION: "${env.SEAL_KEY_GENERATION}" must be a whole number from 1 to 254`,
      );
    return { kind: 'kms', keyId, generation };
  }
  const secret = Buffer.from(env.SEAL_SECRET ?? '', 'base64url');
  if (secret.length < 32)
    throw new FrontendConfigError(
      'SEAL_SECRET: set it to 32 or more random bytes in base64url (the local stack makes one), or set SEAL_KMS_KEY_ID',
    );
  return { kind: 'secret', keys: [{ generation: 1, secret }] };
}
