/** Synthesizes the app into a temporary directory and reads each stack's Terraform JSON. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../main';
import { loadConfig } from '../../stacks/config';
import { DIST } from '../../scripts/dist';

export type Json = Record<string, any>;

export interface Synthesized {
  /** Stack name → its cdk.tf.json. */
  readonly stacks: Record<string, Json>;
  /** Stack name → the raw text of its cdk.tf.json. */
  readonly raw: Record<string, string>;
  readonly outdir: string;
}

const cache = new Map<string, Synthesized>();

export function synth(env: Record<string, string> = {}): Synthesized {
  const key = JSON.stringify(env);
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'students-synth-'));
  buildApp(loadConfig(env), { outdir, distDir: DIST }).app.synth();
  const stacks: Record<string, Json> = {};
  const raw: Record<string, string> = {};
  for (const name of readdirSync(path.join(outdir, 'stacks'))) {
    raw[name] = readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8');
    stacks[name] = JSON.parse(raw[name]);
  }
  const result = { stacks, raw, outdir };
  cache.set(key, result);
  return result;
}

export function cleanupSynth(): void {
  for (const s of cache.values()) rmSync(s.outdir, { recursive: true, force: true });
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
