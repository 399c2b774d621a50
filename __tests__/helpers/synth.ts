/**
 * Synthesizes the app into a temporary directory and reads each stack's Terraform JSON. In a test
 * run (the global setup's build folder), each configuration is synthesized once for all the test
 * files that read it, whichever worker asks first.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST } from '../../scripts/dist';
import { loadConfig } from '../../stacks/config';

export type Json = Record<string, any>;

export interface Synthesized {
  /** Stack name → its cdk.tf.json. */
  readonly stacks: Record<string, Json>;
  /** Stack name → the raw text of its cdk.tf.json. */
  readonly raw: Record<string, string>;
  readonly outdir: string;
}

const cache = new Map<string, Synthesized>();
/** Shared by the run's workers when the build folder is the run's own; removed with it. */
const SHARED = process.env.STUDENTS_TEST_OWNS_DIST ? path.join(DIST, 'synth-cache') : undefined;
const ownDirs: string[] = [];

export function synth(env: Record<string, string> = {}): Synthesized {
  // The same settings in any order are one configuration.
  const key = JSON.stringify(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const hit = cache.get(key);
  if (hit) return hit;
  const shared = SHARED && path.join(SHARED, createHash('sha256').update(key).digest('hex').slice(0, 20));
  let outdir = shared;
  if (!shared || !existsSync(shared)) {
    if (SHARED) mkdirSync(SHARED, { recursive: true });
    const made = mkdtempSync(path.join(SHARED ?? os.tmpdir(), 'students-synth-'));
    // Loaded only when something is synthesized: a file whose configurations are all made needs no cdktf.
    const { buildApp } = require('../../main') as typeof import('../../main');
    buildApp(loadConfig(env), { outdir: made, distDir: DIST }).app.synth();
    outdir = made;
    if (shared) {
      try {
        renameSync(made, shared);
        outdir = shared;
      } catch {
        // Another worker made it first: the two are the same synthesis, and this one stays this worker's.
        ownDirs.push(made);
      }
    } else ownDirs.push(made);
  }
  const stacks: Record<string, Json> = {};
  const raw: Record<string, string> = {};
  for (const name of readdirSync(path.join(outdir as string, 'stacks'))) {
    raw[name] = readFileSync(path.join(outdir as string, 'stacks', name, 'cdk.tf.json'), 'utf8');
    stacks[name] = JSON.parse(raw[name]);
  }
  const result = { stacks, raw, outdir: outdir as string };
  cache.set(key, result);
  return result;
}

export function cleanupSynth(): void {
  for (const dir of ownDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  cache.clear();
}

/** Every resource of a type across the given stacks: [stackName, address, body]. */
export function resources(stacks: Record<string, Json>, type: string): [string, string, Json][] {
  const out: [string, string, Json][] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [name, body] of Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>))
      out.push([stack, `${type}.${name}`, body]);
  }
  return out;
}

export function resource(stack: Json, type: string, name: string): Json {
  const body = stack.resource?.[type]?.[name];
  if (!body) throw new Error(`${type}.${name} is not in the stack`);
  return body;
}

/** A single nested block may synthesize as an object or a one-element list; read both. */
export function block(value: unknown): Json | undefined {
  if (Array.isArray(value)) return value[0] as Json | undefined;
  return value as Json | undefined;
}

/** True for true and "true" (nullable bools are strings in the provider schema). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** `${aws_x.name.attr}` reference test, as checkov's graph checks connect resources. */
export function refersTo(value: unknown, address: string): boolean {
  return JSON.stringify(value ?? null).includes(`\${${address}.`);
}
