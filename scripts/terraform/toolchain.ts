/**
 * How this machine's Terraform finds the AWS provider, for validation and mock plans: a
 * filesystem mirror when one is configured (STUDENTS_TF_PLUGIN_MIRROR, or a well-known mirror
 * directory that exists), the registry otherwise. With a mirror that lacks the pinned version,
 * the highest mirrored version stands in as a schema proxy, and the caller says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MIRROR_VARIABLE = 'STUDENTS_TF_PLUGIN_MIRROR';
/** Mirror directories looked for when the variable is unset (this project's machines use the first). */
const WELL_KNOWN_MIRRORS = [
  '/opt/tf-plugins',
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
  path.join(os.homedir(), '.terraform.d', 'plugins'),
];
const AWS_PROVIDER = path.join('registry.terraform.io', 'hashicorp', 'aws');

export function terraformBin(): string {
  return process.env.TERRAFORM_BIN ?? 'terraform';
}

/** The mirror to use, if any. */
export function findMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env[MIRROR_VARIABLE];
  if (configured) {
    if (!existsSync(path.join(configured, AWS_PROVIDER)))
      throw new Error(`${MIRROR_VARIABLE}=${configured} holds no ${AWS_PROVIDER}`);
    return configured;
  }
  return WELL_KNOWN_MIRRORS.find((dir) => existsSync(path.join(dir, AWS_PROVIDER)));
}

/** AWS provider versions a mirror holds (unpacked `<version>/<os_arch>/` or packed zips), highest first. */
export function mirroredVersions(mirror: string): string[] {
  const dir = path.join(mirror, AWS_PROVIDER);
  const versions = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const packed = /^terraform-provider-aws_(\d+\.\d+\.\d+)_/.exec(entry);
    if (packed) versions.add(packed[1]!);
    else if (/^\d+\.\d+\.\d+$/.test(entry)) versions.add(entry);
  }
  const key = (v: string) => v.split('.').map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  });
}

export interface Toolchain {
  /** Environment for every terraform call. */
  readonly env: NodeJS.ProcessEnv;
  /** Where providers come from, for the summary. */
  readonly source: string;
  /** The provider version validation runs against, when it is not the pinned one. */
  readonly proxyVersion?: string;
}

/**
 * Writes a CLI configuration into `workDir` (a mirror, and a plugin cache so each init links
 * rather than copies the provider) and returns the environment that uses it.
 */
export function prepareToolchain(
  workDir: string,
  pinnedVersion: string,
  env: NodeJS.ProcessEnv = process.env,
): Toolchain {
  const base = { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
  const mirror = findMirror(env);
  if (!mirror) return { env: base, source: 'the Terraform registry (no provider mirror configured)' };
  const cache = path.join(workDir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  const rc = path.join(workDir, 'terraform.rc');
  writeFileSync(
    rc,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\nplugin_cache_dir = ${JSON.stringify(cache)}\n`,
  );
  const versions = mirroredVersions(mirror);
  const proxyVersion = versions.includes(pinnedVersion) ? undefined : versions[0];
  return {
    env: { ...base, TF_CLI_CONFIG_FILE: rc },
    source: `the mirror ${mirror}`,
    ...(proxyVersion ? { proxyVersion } : {}),
  };
}

/**
 * Points a synthesized stack at the proxy version with an override file, leaving cdk.tf.json as
 * synthesized (so diagnostics name its lines).
 */
export function applyProxyVersion(stackDir: string, toolchain: Toolchain): void {
  if (!toolchain.proxyVersion) return;
  writeFileSync(
    path.join(stackDir, 'schema_proxy_override.tf.json'),
    `${JSON.stringify({ terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: toolchain.proxyVersion } } } }, null, 2)}\n`,
  );
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in `cwd` and collects its output. */
export function runTerraform(args: readonly string[], cwd: string, toolchain: Toolchain): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBin(), args, { cwd, env: toolchain.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`${terraformBin()} not found: install Terraform 1.10 or newer, or set TERRAFORM_BIN`)
          : err,
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
