/**
 * Command-line flags, read with `node:util`'s `parseArgs` in strict mode: an unknown flag, a
 * missing value or a stray argument is a usage error that names it, followed by the usage line.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Value = string | boolean | (string | boolean)[] | undefined;

/** `--allow-destroy` and `--allow-unprotect` (each repeatable): what the plan guard lets through. */
export const GUARD_OPTIONS = {
  'allow-destroy': { type: 'string', multiple: true },
  'allow-unprotect': { type: 'string', multiple: true },
} as const satisfies Options;

export function strictArgs(
  argv: readonly string[],
  options: Options,
  usage: string,
  allowPositionals = false,
): { values: Record<string, Value>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: values as Record<string, Value>, positionals };
  } catch (err) {
    const message = (err as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    const stray = /^Unexpected argument '([^']+)'/.exec(message)?.[1];
    const reason = unknown
      ? `unknown option ${unknown}`
      : stray
        ? `unexpected argument ${stray}`
        : message.split('. ')[0];
    throw new UsageError(`${reason}\n${usage}`);
  }
}

/** The guard's two lists, as given (empty when not). */
export function guardLists(values: Record<string, Value>): { allowDestroy: string[]; allowUnprotect: string[] } {
  const list = (v: Value) => (Array.isArray(v) ? v.map(String) : []);
  return { allowDestroy: list(values['allow-destroy']), allowUnprotect: list(values['allow-unprotect']) };
}
