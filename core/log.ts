/**
 * Structured JSON logs, one object a line. Callers pass request ids, codes and counts,
 * never personal data (emails, names, bodies).
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogLevel = Level | 'silent';

function thresholdOf(level: string): number {
  if (level === 'silent') return Number.POSITIVE_INFINITY;
  return ORDER[level as Level] ?? ORDER.info;
}

/** Set once from a validated configuration (the frontend's); LOG_LEVEL otherwise. */
let configured: number | undefined;

export function setLogLevel(level: LogLevel): void {
  configured = thresholdOf(level);
}

/** What every line carries until it is set again (a Lambda invocation's ids: see lambdas/shared/log-context.ts). */
let invocation: Record<string, unknown> = {};

export function setLogFields(fields: Record<string, unknown>): void {
  invocation = fields;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < (configured ?? thresholdOf((process.env.LOG_LEVEL ?? 'info').toLowerCase()))) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...invocation, ...fields });
  // stdout/stderr rather than console.*, so the Lambda runtime does not prefix the line.
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

/** The error's name and code only: messages can carry request data. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { errorName: typeof err };
  const { name, code } = err as { name?: unknown; code?: unknown };
  return {
    errorName: typeof name === 'string' ? name : 'unknown',
    ...(typeof code === 'string' ? { errorCode: code } : {}),
  };
}
