/**
 * Where the ops commands keep what they make: the synthesized stacks (cdktf.out/, or
 * STUDENTS_OUT_DIR) and the saved plans (plans/, or STUDENTS_PLANS_DIR; the tests point both at
 * temporary folders). Kept apart from the Terraform runner so light commands load nothing more.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../dist';

export const OUTDIR = process.env.STUDENTS_OUT_DIR
  ? path.resolve(process.env.STUDENTS_OUT_DIR)
  : path.join(ROOT, 'cdktf.out');
export const PLANS_DIR = process.env.STUDENTS_PLANS_DIR
  ? path.resolve(process.env.STUDENTS_PLANS_DIR)
  : path.join(ROOT, 'plans');

export function stackDir(stack: string): string {
  return path.join(OUTDIR, 'stacks', stack);
}

/** Where an environment's saved plans and their manifest live: plans/<env>/. */
export function envPlansDir(env: string): string {
  return path.join(PLANS_DIR, env);
}

/** A folder only the owner can enter: plans hold every value, sensitive ones included. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
