/** The parsers the configuration is read with: each failure names its setting and says why. */

/** The instances' CPU architecture. */
export type Architecture = 'arm64' | 'x86_64';

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`Invalid setting ${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** Values CloudWatch Logs accepts for retention. */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export function int(setting: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return check(setting, fallback, min, max);
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(setting, `"${raw}" is not a whole number`);
  return check(setting, Number(raw), min, max);
}
function check(setting: string, n: number, min: number, max: number): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(setting, `${n} is outside ${min}..${max}`);
  return n;
}
export function bool(setting: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(setting, `"${raw}" is not true or false`);
}

/** Graviton families carry a `g` after the generation digit (t4g, m7g, c7gn, r8g). */
export function architectureOf(instanceType: string): Architecture {
  const attributes = /\d+([a-z]*)$/.exec(instanceType.split('.')[0] ?? '')?.[1] ?? '';
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}

export function cidr(setting: string, value: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32)
    throw new ConfigError(setting, `"${value}" is not an IPv4 CIDR like 203.0.113.10/32`);
  if (Number(m[5]) === 0)
    throw new ConfigError(setting, `"${value}" opens SSH to the whole internet; use SSM, or list your own addresses`);
  return value;
}

/**
 * The AWS account an environment deploys to (the provider's `allowed_account_ids`): required for
 * every environment but `dev`, so switched credentials can never apply it to another account.
 */
export function awsAccountId(setting: string, raw: string | undefined, environment: string): string | undefined {
  const value = raw?.trim();
  if (!value) {
    if (environment === 'dev') return undefined;
    throw new ConfigError(
      setting,
      `environment "${environment}" must name the AWS account it deploys to (12 digits), so no other account's credentials can apply it`,
    );
  }
  if (!/^\d{12}$/.test(value)) throw new ConfigError(setting, `"${value}" is not a 12-digit AWS account id`);
  return value;
}

/** The variables the SSH settings are read from. */
export interface SshVariables {
  readonly sshKeyName: string;
  readonly sshAllowedCidrs: string;
  readonly instanceConnectEndpoint: string;
}

/** SSH: a key pair and the CIDRs that may reach port 22 (or the Instance Connect endpoint), or none. */
export function parseSsh(
  v: SshVariables,
  env: Record<string, string | undefined>,
  preset: { readonly keyName: string; readonly allowedCidrs: readonly string[] } | undefined,
  instanceConnectEndpoint: boolean,
): { keyName: string; allowedCidrs: string[] } | undefined {
  const keyName = env[v.sshKeyName]?.trim() || preset?.keyName;
  const raw = env[v.sshAllowedCidrs];
  const cidrList =
    raw !== undefined
      ? raw
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : [...(preset?.allowedCidrs ?? [])];
  const allowedCidrs = cidrList.map((c) => cidr(v.sshAllowedCidrs, c));
  if (keyName !== undefined && !/^[\x20-\x7e]{1,255}$/.test(keyName))
    throw new ConfigError(v.sshKeyName, 'must be 1 to 255 printable ASCII characters');
  if (keyName && allowedCidrs.length === 0 && !instanceConnectEndpoint) {
    throw new ConfigError(
      v.sshAllowedCidrs,
      `SSH key "${keyName}" is set but no CIDR may reach port 22; list CIDRs, or enable ${v.instanceConnectEndpoint}`,
    );
  }
  if (!keyName && allowedCidrs.length > 0)
    throw new ConfigError(v.sshKeyName, `required when ${v.sshAllowedCidrs} is set`);
  return keyName ? { keyName, allowedCidrs } : undefined;
}
