/**
 * What the ops commands share: their flags (an unknown one is an error), the configuration and
 * the remote-state rule, the confirmation prompt, and one set of exit codes.
 */
import { createInterface } from 'node:readline';
import { ConfigError, type DeploymentConfig, loadConfig, SETTING_VARIABLES } from '../../stacks/config';
import { EnvironmentLocked } from './env-lock';
import { GUARD_OPTIONS, guardLists, strictArgs, UsageError } from '../args';

export { UsageError } from '../args';

/** Exit codes of every ops command, documented in the README. */
export const EXIT = {
  ok: 0,
  /** terraform or the AWS CLI failed */
  failed: 1,
  /** bad usage, or a bad configuration */
  usage: 2,
  /** the plan guard refused */
  refused: 3,
  /** a reviewed plan is missing, or stale */
  stalePlan: 4,
  /** the operator did not confirm */
  notConfirmed: 5,
  /** another run holds the environment's lock */
  locked: 6,
  /** `status`: AWS did not answer part of what was asked (throttled, no credentials) */
  unanswered: 7,
  /** Ctrl-C or SIGTERM */
  interrupted: 130,
} as const;

export interface OpsOptions {
  readonly allowDestroy: string[];
  readonly allowUnprotect: string[];
  readonly autoApprove: boolean;
  readonly localState: boolean;
  readonly updateAmi: boolean;
  readonly plan: boolean;
  readonly format: 'text' | 'json' | 'markdown';
  /** `--json-file <path>`: the guard's JSON report written there, whatever the format. */
  readonly jsonFile?: string;
  readonly confirm?: string;
  /** `--from <stack>`: plan that stack and the ones after it, keeping the earlier stacks' plans. */
  readonly from?: string;
  /** Re-plan, guard and apply the stacks that wait for an earlier apply, without asking. */
  readonly replanConsumers: boolean;
}

type Flag =
  | 'auto-approve'
  | 'local-state'
  | 'update-ami'
  | 'plan'
  | 'format'
  | 'confirm'
  | 'guard'
  | 'from'
  | 'replan-consumers';

/** The `node:util` options of each flag a command may accept. */
const FLAG_OPTIONS = {
  'auto-approve': { 'auto-approve': { type: 'boolean' } },
  'local-state': { 'local-state': { type: 'boolean' } },
  'update-ami': { 'update-ami': { type: 'boolean' } },
  plan: { plan: { type: 'boolean' } },
  format: { json: { type: 'boolean' }, markdown: { type: 'boolean' }, 'json-file': { type: 'string' } },
  confirm: { confirm: { type: 'string' } },
  guard: GUARD_OPTIONS,
  from: { from: { type: 'string' } },
  'replan-consumers': { 'replan-consumers': { type: 'boolean' } },
} as const;

/** Parses the flags a command accepts; anything else throws a UsageError with the usage line. */
export function parseOps(argv: readonly string[], accepted: readonly Flag[], usage: string): OpsOptions {
  const { values } = strictArgs(argv, Object.assign({}, ...accepted.map((f) => FLAG_OPTIONS[f])), usage);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    ...guardLists(values),
    autoApprove: values['auto-approve'] === true,
    localState: values['local-state'] === true,
    updateAmi: values['update-ami'] === true,
    plan: values.plan === true,
    format: values.json ? 'json' : values.markdown ? 'markdown' : 'text',
    ...(text(values['json-file']) ? { jsonFile: text(values['json-file']) } : {}),
    confirm: text(values.confirm),
    from: text(values.from),
    replanConsumers: values['replan-consumers'] === true,
  };
}

/**
 * The validated configuration. Any environment but `dev` must keep its state in S3: planning
 * prod against an empty local state would plan every resource as new.
 */
export function opsConfig(
  options: Pick<OpsOptions, 'localState'>,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentConfig {
  const config = loadConfig(env);
  if (config.environment !== 'dev' && !config.stateBucket && !options.localState) {
    throw new ConfigError(
      SETTING_VARIABLES.stateBucket,
      `environment "${config.environment}" needs remote state: set ${SETTING_VARIABLES.stateBucket}, or pass --local-state if this machine's local state is really the one`,
    );
  }
  return config;
}

/**
 * Asks on the terminal; only `yes` confirms. Without a terminal the answer is no at once (a
 * pipe or CI job left open would otherwise wait forever): `--auto-approve` (`--yes`) says yes.
 */
export async function confirm(question: string, options: Pick<OpsOptions, 'autoApprove'>): Promise<boolean> {
  if (options.autoApprove) return true;
  if (!process.stdin.isTTY) {
    console.error(
      `${question}\nNo terminal to answer on: that is a no. After reviewing, pass --auto-approve (backfill: --yes).`,
    );
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const answer = await new Promise<string | undefined>((resolve) => {
      rl.once('close', () => resolve(undefined));
      rl.question(`${question} Only 'yes' is accepted: `, resolve);
    });
    return answer?.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/**
 * A line of counts redrawn in place every second, on a terminal only (a log or a pipe gets the
 * summary alone): `update` hands it the latest state, `stop` draws it a last time.
 */
export function progressLine<T>(render: (state: T) => string): { update: (state: T) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  let last: T | undefined;
  const draw = () => {
    if (last !== undefined) process.stderr.write(`\r\x1b[K${render(last)}`);
  };
  const timer = setInterval(draw, 1000);
  return {
    update: (state) => {
      last = state;
    },
    stop: () => {
      clearInterval(timer);
      draw();
      if (last !== undefined) process.stderr.write('\n');
    },
  };
}

/**
 * Ctrl-C or SIGTERM as a request to stop after the `item` in hand (a record, a row): `signal`
 * aborts, and `release` takes the handlers off again.
 */
export function stopOnInterrupt(item: string): { signal: AbortSignal; release: () => void } {
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write(`\nStopping after the ${item} in hand…\n`);
    stop.abort();
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  return { signal: stop.signal, release: () => process.off('SIGINT', onSignal).off('SIGTERM', onSignal) };
}

/** The exit code a thrown error ends a command with: configuration and usage errors exit 2. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) return EXIT.usage;
  if (err instanceof EnvironmentLocked) return EXIT.locked;
  return EXIT.failed;
}

/** Runs a command's main and exits with its code. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(exitCodeOf(err));
    },
  );
}
