/**
 * The plan manifest, plans/<env>/manifest.json: what `npm run plan` saved for one environment and
 * what the reviewer saw. Per stack: the sha256 of its binary plan, the guard's verdict over exactly
 * that file, the outputs it reads from which other stack, the outputs its plan changes, and
 * whether it has been applied. `npm run deploy` applies a plan only when its copy hashes to what
 * the manifest recorded, and never applies one twice.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { envPlansDir, privateDir, stackDir } from './paths';

export const MANIFEST_VERSION = 1;

/** planned: a reviewed plan waits to be applied; waits: it can be planned only after `waitsFor` is applied. */
export type StackState = 'planned' | 'waits' | 'applied' | 'failed';

/** The outputs one stack reads from another, through `terraform_remote_state`. */
export interface Reads {
  readonly stack: string;
  readonly outputs: string[];
}

export interface StackEntry {
  readonly stack: string;
  state: StackState;
  /** sha256 of the binary plan (`tfplan`) the guard read. */
  sha256?: string;
  /** The guard's verdict over exactly that plan, with the flags it was planned with. */
  verdict?: 'passed' | 'refused';
  /** Terraform's version, from the plan. */
  terraformVersion?: string;
  /** Provider versions from the stack's dependency lock file. */
  providers?: Record<string, string>;
  readonly reads: Reads[];
  /** Outputs the plan creates or changes (Terraform's `output_changes`). */
  outputChanges?: string[];
  /** The stacks whose apply this one's plan waits for. */
  waitsFor?: string[];
  plannedAt?: string;
  appliedAt?: string;
  /** Why the last apply failed, for the resume hint. */
  error?: string;
}

export interface Manifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly environment: string;
  /** The commit the stacks were synthesized from (`+dirty` when the tree had changes), when known. */
  readonly commit: string | null;
  readonly createdAt: string;
  /** Every stack, in deploy order. */
  readonly stacks: StackEntry[];
}

export function manifestPath(env: string): string {
  return path.join(envPlansDir(env), 'manifest.json');
}

export function readManifest(env: string): Manifest | undefined {
  const file = manifestPath(env);
  if (!existsSync(file)) return undefined;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (m.version !== MANIFEST_VERSION)
    throw new Error(`${file}: manifest version ${m.version} is not ${MANIFEST_VERSION}; run npm run plan again`);
  return m;
}

/** Written whole or not at all (rename), readable by the owner only. */
export function writeManifest(m: Manifest): void {
  const file = manifestPath(m.environment);
  privateDir(path.dirname(file));
  writeFileSync(`${file}.tmp`, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function entryOf(m: Manifest, stack: string): StackEntry {
  const e = m.stacks.find((s) => s.stack === stack);
  if (!e) throw new Error(`${stack} is not in the plan manifest of environment "${m.environment}"`);
  return e;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The commit of the working tree, or null outside a git checkout. */
export function currentCommit(cwd: string): string | null {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/** Provider versions a stack's `.terraform.lock.hcl` selected. */
export function providerVersions(stack: string): Record<string, string> {
  const file = path.join(stackDir(stack), '.terraform.lock.hcl');
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/provider\s+"([^"]+)"\s*\{\s*version\s*=\s*"([^"]+)"/g))
    out[m[1] as string] = m[2] as string;
  return out;
}

interface StackJson {
  terraform?: { backend?: Record<string, Record<string, unknown>> };
  data?: { terraform_remote_state?: Record<string, { backend: string; config: Record<string, unknown> }> };
}

function readStack(stack: string): { json: StackJson; text: string } {
  const text = readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8');
  return { json: JSON.parse(text) as StackJson, text };
}

/** Where a backend keeps state, comparable across stacks: an absolute local path or s3://bucket/key. */
function stateLocation(stack: string, backend: string, config: Record<string, unknown>): string | undefined {
  if (backend === 'local' && typeof config.path === 'string') return path.resolve(stackDir(stack), config.path);
  if (backend === 's3') return `s3://${config.bucket}/${config.key}`;
  return undefined;
}

/** For every stack, the outputs it reads and from which of the other stacks. */
export function readsOf(stacks: readonly string[]): Map<string, Reads[]> {
  const parsed = new Map(stacks.map((s) => [s, readStack(s)]));
  const owner = new Map<string, string>();
  for (const [stack, { json }] of parsed) {
    for (const [backend, config] of Object.entries(json.terraform?.backend ?? {})) {
      const where = stateLocation(stack, backend, config);
      if (where) owner.set(where, stack);
    }
  }
  const out = new Map<string, Reads[]>();
  for (const [stack, { json, text }] of parsed) {
    const reads: Reads[] = [];
    for (const [name, source] of Object.entries(json.data?.terraform_remote_state ?? {})) {
      const producer = owner.get(stateLocation(stack, source.backend, source.config) ?? '');
      if (!producer) continue;
      const pattern = new RegExp(`data\\.terraform_remote_state\\.${escapeRegExp(name)}\\.outputs\\.([\\w-]+)`, 'g');
      const outputs = [...new Set([...text.matchAll(pattern)].map((m) => m[1] as string))].sort();
      reads.push({ stack: producer, outputs });
    }
    out.set(stack, reads);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The outputs a plan creates, changes or deletes. */
export function changedOutputs(plan: { output_changes?: Record<string, { actions: string[] }> }): string[] {
  return Object.entries(plan.output_changes ?? {})
    .filter(([, c]) => c.actions.join(',') !== 'no-op')
    .map(([name]) => name)
    .sort();
}

/** The later stacks that read any of `outputs` of `producer`, with the outputs each reads. */
export function consumersOf(m: Manifest, producer: string, outputs: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of m.stacks) {
    const read = e.reads.find((r) => r.stack === producer)?.outputs.filter((o) => outputs.includes(o)) ?? [];
    if (read.length > 0) out.set(e.stack, read);
  }
  return out;
}
