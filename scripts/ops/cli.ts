/**
 * What the ops commands share: their flags (an unknown one is an error), the configuration and
 * the remote-state rule, the confirmation prompt, and one set of exit codes.
 */
import { createInterface } from 'node:readline';
import { ConfigError, type DeploymentConfig, loadConfig, SETTING_VARIABLES } from '../../stacks/config';
import { EnvironmentLocked } from './env-lock';
import { parseGuardFlag } from './plan-check';

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
  /** Ctrl-C or SIGTERM */
  interrupted: 130,
} as const;

export class UsageError extends Error {}

export interface OpsOptions {
  readonly allowDestroy: string[];
  readonly allowUnprotect: string[];
  readonly autoApprove: boolean;
  readonly localState: boolean;
  readonly updateAmi: boolean;
  readonly plan: boolean;
  readonly format: 'text' | 'json' | 'markdown';
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

/** The value after the flag at `i`, or a usage error naming the flag. */
export function flagValue(argv: readonly string[], i: number, usage: string): string {
  const v = argv[i + 1];
  if (!v || v.startsWith('--')) throw new UsageError(`${argv[i]} needs a value\n${usage}`);
  return v;
}

/** Parses the flags a command accepts; anything else throws a UsageError with the usage line. */
export function parseOps(argv: readonly string[], accepted: readonly Flag[], usage: string): OpsOptions {
  const lists = { allowDestroy: [] as string[], allowUnprotect: [] as string[] };
  const out = {
    autoApprove: false,
    localState: false,
    updateAmi: false,
    plan: false,
    format: 'text' as OpsOptions['format'],
    confirm: undefined as string | undefined,
    from: undefined as string | undefined,
    replanConsumers: false,
  };
  const ok = (f: Flag) => accepted.includes(f);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    let used = -1;
    try {
      used = ok('guard') ? parseGuardFlag(argv, i, lists) : -1;
    } catch (err) {
      throw new UsageError(`${(err as Error).message}\n${usage}`);
    }
    if (used >= 0) i = used;
    else if (a === '--auto-approve' && ok('auto-approve')) out.autoApprove = true;
    else if (a === '--local-state' && ok('local-state')) out.localState = true;
    else if (a === '--update-ami' && ok('update-ami')) out.updateAmi = true;
    else if (a === '--plan' && ok('plan')) out.plan = true;
    else if ((a === '--json' || a === '--markdown') && ok('format')) out.format = a === '--json' ? 'json' : 'markdown';
    else if (a === '--confirm' && ok('confirm') && argv[i + 1]) out.confirm = argv[++i];
    else if (a === '--from' && ok('from')) out.from = flagValue(argv, i++, usage);
    else if (a === '--replan-consumers' && ok('replan-consumers')) out.replanConsumers = true;
    else throw new UsageError(`unknown option ${a}\n${usage}`);
  }
  return { ...lists, ...out };
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

/** Asks on stdin; only `yes` confirms. No terminal and no answer is a no. */
export async function confirm(question: string, options: Pick<OpsOptions, 'autoApprove'>): Promise<boolean> {
  if (options.autoApprove) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
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

/** Runs a command's main and exits with its code; configuration and usage errors exit 2. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof ConfigError || err instanceof UsageError) {
        console.error(err.message);
        process.exit(EXIT.usage);
      }
      if (err instanceof EnvironmentLocked) {
        console.error(err.message);
        process.exit(EXIT.locked);
      }
      console.error(err instanceof Error ? err.message : err);
      process.exit(EXIT.failed);
    },
  );
}
