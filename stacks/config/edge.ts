/**
 * Who reaches the API and what one client may cost: the access mode, the CORS origins of public
 * access, the WAF thresholds, the sealing key's generation, and the rate checks that keep the
 * stage throttle within what the functions and the name index can absorb.
 */
import {
  API_ACCESS_MODES,
  type ApiAccess,
  FUNCTION_CONCURRENCY_CAP,
  FUNCTION_NAMES,
  parseOrigins,
} from '../../core/contract';
import { ConfigError, int } from './parsers';

/**
 * Writes per second one partition of the name index absorbs: every student shares the index's
 * partition value, and DynamoDB serves at most about 1,000 write units a second per partition.
 */
export const INDEX_PARTITION_WRITES_PER_SECOND = 1000;
/** Concurrent executions Lambda keeps unreserved in an account: reserved concurrency may not touch them. */
export const UNRESERVED_MINIMUM = 100;

export interface EdgeConfig {
  /** `iam`: the API answers the portal's instance role alone; `public`: anyone, as in the reference. */
  readonly apiAccess: ApiAccess;
  /** Origins CORS allows with public access (`*` only when set so). */
  readonly corsOrigins: readonly string[];
  /** WAF rate-based rules: requests per client address in any 5 minutes, all pages and signups. */
  readonly wafRateLimit: number;
  readonly wafSignupRateLimit: number;
  /** The generation of the portal's sealing key; raising it rotates the key. */
  readonly sealKeyGeneration: number;
  /**
   * Each function's reserved concurrency: the stage's burst limit, the most requests the gateway
   * lets in at once, so the gateway, not a throttled Lambda (a 5xx), refuses a flood.
   */
  readonly reservedConcurrency: number;
}

export const EDGE_VARIABLES = {
  apiAccess: 'STUDENTS_API_ACCESS',
  corsOrigins: 'STUDENTS_CORS_ORIGINS',
  wafRateLimit: 'STUDENTS_WAF_RATE_LIMIT',
  wafSignupRateLimit: 'STUDENTS_WAF_SIGNUP_RATE_LIMIT',
  sealKeyGeneration: 'STUDENTS_SEAL_KEY_GENERATION',
  accountConcurrency: 'STUDENTS_ACCOUNT_CONCURRENCY',
} as const;

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/** The stage's validated throttle, and the settings that name its two limits. */
export interface StageThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly rateSetting: string;
  readonly burstSetting: string;
}

/** Reads the edge settings, and checks the stage's throttle against the functions and the index. */
export function parseEdge(env: Record<string, string | undefined>, rate: StageThrottle): EdgeConfig {
  const v = EDGE_VARIABLES;
  const apiAccess = (env[v.apiAccess]?.trim() || 'iam') as ApiAccess;
  if (!API_ACCESS_MODES.includes(apiAccess))
    throw new ConfigError(v.apiAccess, `"${apiAccess}" must be ${API_ACCESS_MODES.join(' or ')}`);
  const corsOrigins = parseOrigins(env[v.corsOrigins]);
  if (corsOrigins.length > 0 && apiAccess !== 'public')
    throw new ConfigError(
      v.corsOrigins,
      `only browsers calling a public API need CORS: set ${v.apiAccess}=public first`,
    );
  for (const origin of corsOrigins)
    if (origin !== '*' && !ORIGIN.test(origin))
      throw new ConfigError(v.corsOrigins, `"${origin}" is not an origin like https://portal.example.edu (or *)`);

  if (rate.rateLimit > INDEX_PARTITION_WRITES_PER_SECOND)
    throw new ConfigError(
      rate.rateSetting,
      `${rate.rateLimit} requests a second is more than the name index can take: every signup writes to its one partition, which absorbs about ${INDEX_PARTITION_WRITES_PER_SECOND} writes a second`,
    );
  const accountConcurrency = int(v.accountConcurrency, env[v.accountConcurrency], 1000, 10, 1_000_000);
  const reservedConcurrency = rate.burstLimit;
  const reservedInAll = FUNCTION_NAMES.reduce(
    (sum, fn) => sum + Math.min(reservedConcurrency, FUNCTION_CONCURRENCY_CAP[fn] ?? reservedConcurrency),
    0,
  );
  if (reservedInAll > accountConcurrency - UNRESERVED_MINIMUM)
    throw new ConfigError(
      rate.burstSetting,
      `a burst of ${rate.burstLimit} reserves ${reservedConcurrency} concurrent executions for each function that serves students, ${reservedInAll} in all, but an account of ${accountConcurrency} (${v.accountConcurrency}) must keep ${UNRESERVED_MINIMUM} unreserved`,
    );

  return {
    apiAccess,
    corsOrigins,
    wafRateLimit: int(v.wafRateLimit, env[v.wafRateLimit], 2000, 100, 2_000_000_000),
    wafSignupRateLimit: int(v.wafSignupRateLimit, env[v.wafSignupRateLimit], 100, 10, 2_000_000_000),
    sealKeyGeneration: int(v.sealKeyGeneration, env[v.sealKeyGeneration], 1, 1, 254),
    reservedConcurrency,
  };
}
