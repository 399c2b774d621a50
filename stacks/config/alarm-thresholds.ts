/**
 * The monitoring stack's alarm thresholds: sensible defaults, a preset per environment, and
 * STUDENTS_ALARM_THRESHOLDS (a JSON object of any of these keys) to override them.
 */
import { ConfigError } from './parsers';

export interface AlarmThresholds {
  /** Seconds in one evaluation period. */
  readonly periodSeconds: number;
  /** Periods a condition must hold before the alarm fires (a sustained problem, not a blip). */
  readonly evaluationPeriods: number;
  /** 5xx answers per period, from the load balancer itself and from the targets. */
  readonly alb5xxCount: number;
  /** Target response time, p99, in seconds. */
  readonly targetResponseP99Seconds: number;
  /** Periods with an unhealthy host before the alarm fires. */
  readonly unhealthyHostPeriods: number;
  /** Share of API requests answered 5xx (0–1). */
  readonly api5xxRate: number;
  /** Share of API requests answered 4xx (0–1): a broken frontend shows up here. */
  readonly api4xxRate: number;
  /** API latency, p99, in milliseconds. */
  readonly apiLatencyP99Ms: number;
  /** Lambda duration p99 as a share of the function's timeout (0–1). */
  readonly lambdaDurationRatio: number;
  /** Concurrent executions of one function (the account's default limit is 1000). */
  readonly lambdaConcurrency: number;
  /** DynamoDB user errors (4xx from the service) per period, in the region. */
  readonly dynamoUserErrors: number;
  /** Packets a NAT gateway dropped per period. */
  readonly natPacketsDropped: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  periodSeconds: 60,
  evaluationPeriods: 5,
  alb5xxCount: 10,
  targetResponseP99Seconds: 1,
  unhealthyHostPeriods: 3,
  api5xxRate: 0.05,
  api4xxRate: 0.25,
  apiLatencyP99Ms: 2000,
  lambdaDurationRatio: 0.8,
  lambdaConcurrency: 800,
  dynamoUserErrors: 50,
  natPacketsDropped: 100,
};

const RATIOS = new Set<keyof AlarmThresholds>(['api5xxRate', 'api4xxRate', 'lambdaDurationRatio']);
const PERIODS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Reads the override variable over the environment's preset; every key and value is checked. */
export function parseAlarmThresholds(
  setting: string,
  raw: string | undefined,
  preset: AlarmThresholds,
): AlarmThresholds {
  if (raw === undefined || raw.trim() === '') return preset;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(setting, 'is not a JSON object like {"api5xxRate":0.02}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(setting, 'must be a JSON object');
  const out: Record<string, number> = { ...preset };
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in DEFAULT_ALARM_THRESHOLDS))
      throw new ConfigError(
        setting,
        `"${key}" is not a threshold (${Object.keys(DEFAULT_ALARM_THRESHOLDS).join(', ')})`,
      );
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new ConfigError(setting, `${key} must be a positive number`);
    if (RATIOS.has(key as keyof AlarmThresholds) && value > 1)
      throw new ConfigError(setting, `${key} is a share from 0 to 1`);
    if (key === 'periodSeconds' && !PERIODS.includes(value))
      throw new ConfigError(setting, `periodSeconds must be one of ${PERIODS.join(', ')}`);
    if ((key === 'evaluationPeriods' || key === 'unhealthyHostPeriods') && !Number.isInteger(value))
      throw new ConfigError(setting, `${key} must be a whole number`);
    out[key] = value;
  }
  return out as unknown as AlarmThresholds;
}
