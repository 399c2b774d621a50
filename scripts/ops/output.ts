/**
 * `npm run -s output -- <name>`: one Terraform output of the environment (STUDENTS_ENV), printed
 * raw, so runbook commands take generated names from Terraform instead of guessing them:
 *
 *   aws elbv2 describe-target-health --target-group-arn "$(npm run -s output -- target_group_arn)"
 *
 * Without a name it lists every output, by stack. It synthesizes and runs `terraform init` for the
 * stack when that has not been done on this machine. Exit codes: 0, 1 terraform failed or the
 * stack is not deployed, 2 usage or an unknown output.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../stacks/config';
import { strictArgs } from '../args';
import { EXIT, runMain, UsageError } from './cli';
import { stackDir, synthesize, synthesizedStacks, terraform } from './terraform';

export const USAGE = 'usage: npm run -s output -- [<name>]';

/** Every output each stack declares (not CDKTF's cross-stack plumbing), with its description. */
export function declaredOutputs(stacks: readonly string[]): { stack: string; name: string; description?: string }[] {
  return stacks.flatMap((stack) => {
    const file = path.join(stackDir(stack), 'cdk.tf.json');
    if (!existsSync(file)) return [];
    const outputs = (JSON.parse(readFileSync(file, 'utf8')) as { output?: Record<string, { description?: string }> })
      .output;
    return Object.entries(outputs ?? {})
      .filter(([name]) => !name.startsWith('cross-stack-'))
      .map(([name, o]) => ({ stack, name, ...(o.description ? { description: o.description } : {}) }));
  });
}

/** The outputs of one stack's state, initializing its folder first (quietly) when needed. */
export async function stackOutputs(stack: string): Promise<Record<string, { value: unknown }>> {
  if (!existsSync(path.join(stackDir(stack), '.terraform'))) {
    const init = await terraform(stack, ['init', '-input=false', '-no-color'], { capture: true });
    if (init.code !== 0) throw new Error(`terraform init failed for ${stack}: ${init.stderr.trim()}`);
  }
  const res = await terraform(stack, ['output', '-json'], { capture: true });
  if (res.code !== 0) throw new Error(`terraform output failed for ${stack} (is it deployed?): ${res.stderr.trim()}`);
  return JSON.parse(res.stdout) as Record<string, { value: unknown }>;
}

/** The environment's stacks, synthesized on this machine first if they are not yet. */
export async function environmentStacks(): Promise<string[]> {
  const known = synthesizedStacks();
  return known.length > 0 ? known : (await synthesize(loadConfig(process.env))).stacks;
}

async function main(): Promise<number> {
  const { positionals } = strictArgs(process.argv.slice(2), {}, USAGE, true);
  if (positionals.length > 1) throw new UsageError(USAGE);
  const declared = declaredOutputs(await environmentStacks());
  const [name] = positionals;
  if (!name) {
    for (const o of declared) console.log(`${o.stack}  ${o.name}${o.description ? `  (${o.description})` : ''}`);
    return EXIT.ok;
  }
  const owner = declared.find((o) => o.name === name);
  if (!owner)
    throw new UsageError(
      `no output "${name}"; the outputs are: ${[...new Set(declared.map((o) => o.name))].join(', ')}`,
    );
  const value = (await stackOutputs(owner.stack))[name]?.value;
  if (value === undefined) throw new Error(`${owner.stack} has no value for ${name} yet: is it deployed?`);
  console.log(typeof value === 'string' ? value : JSON.stringify(value));
  return EXIT.ok;
}

if (require.main === module) runMain(main);
