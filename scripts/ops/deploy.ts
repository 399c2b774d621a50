/**
 * `npm run deploy`: applies exactly the plans `npm run plan` saved and a person reviewed. Each
 * plan is copied to a private folder and applied only if the copy hashes to what the manifest
 * recorded; the guard runs again over `terraform show -json` of that copy. Stacks that wait for
 * an earlier apply are planned once it is done, guarded, shown and asked about again. Applied
 * plans are marked used: a re-run after a failure resumes where it stopped.
 *
 *   npm run deploy -- [--plan] [--auto-approve] [--replan-consumers] [--allow-destroy <address>]...
 *                     [--allow-unprotect <address>]... [--update-ami] [--local-state]
 *
 * `--auto-approve` (for CI) skips only the questions, never the guard; a stack planned during the
 * deploy then stops it for review (exit 4), unless `--replan-consumers` lets the guard alone pass
 * it. `--plan` plans first, then deploys (a new environment in one step). Exit codes: see cli.ts.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyInOrder, applyPlan, type StepResult } from './apply';
import { confirm, EXIT, type OpsOptions, opsConfig, parseOps, runMain } from './cli';
import { failureReport } from './failure-hint';
import { lockEnvironment } from './env-lock';
import { entryOf, type Manifest, readManifest, type StackEntry, sha256File, writeManifest } from './manifest';
import { planArgsFor } from './plan';
import { readPlan, render } from './plan-check';
import { planEntry, planEnvironment, waitLine } from './plan-env';
import { analyse, blocking } from './plan-guard';
import { interruption, savedPlan, showJson, synthesize, synthesizedStacks, TerraformFailure } from './terraform';

export const USAGE =
  'usage: npm run deploy -- [--plan] [--auto-approve] [--replan-consumers] [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami] [--local-state]';

const short = (h: string | undefined) => (h ? `${h.slice(0, 12)}…` : 'none');

/** Copies a stack's saved plan into `work`; the copy's path, or why it is not the reviewed plan. */
function bindCopy(env: string, e: StackEntry, work: string): { copy?: string; problem?: string } {
  const original = savedPlan(env, e.stack).binary;
  if (!existsSync(original)) return { problem: `${e.stack}: ${original} is gone; nothing more is applied.` };
  const copy = path.join(work, `${e.stack}.tfplan`);
  copyFileSync(original, copy);
  const actual = sha256File(copy);
  if (actual === e.sha256) return { copy };
  return {
    problem: `${e.stack}: ${original} is not the plan that was reviewed (sha256 ${short(e.sha256)} recorded, ${short(actual)} on disk); nothing more is applied. Plan again (npm run plan -- --from ${e.stack}) and review it.`,
  };
}

/** Before an apply: the saved plan and its copy are still the reviewed one. */
function verify(env: string, e: StackEntry, copy: string | undefined): string | undefined {
  const original = savedPlan(env, e.stack).binary;
  const now = existsSync(original) ? sha256File(original) : undefined;
  if (now !== e.sha256 || !copy || sha256File(copy) !== e.sha256)
    return `${e.stack}: its saved plan changed during the deploy (sha256 ${short(e.sha256)} reviewed, ${short(now)} now); nothing more is applied. Plan again (npm run plan -- --from ${e.stack}) and review it.`;
  return undefined;
}

/** A stack that waited for an earlier apply: planned now, guarded, shown, and asked about. */
async function planWaiting(
  env: string,
  m: Manifest,
  e: StackEntry,
  work: string,
  options: OpsOptions,
): Promise<StepResult | { copy?: string; problem?: string }> {
  const producers = e.waitsFor?.join(', ');
  console.log(`\n=== ${e.stack}: terraform plan (it waited for ${producers})`);
  let report: ReturnType<typeof analyse>;
  try {
    report = await planEntry(env, e, planArgsFor(e.stack, options.updateAmi), options);
  } catch (err) {
    if (interruption.signal) return { code: EXIT.interrupted, untouched: true };
    if (!(err instanceof TerraformFailure)) throw err;
    return {
      code: EXIT.failed,
      untouched: true,
      message: failureReport(err),
    };
  }
  writeManifest(m);
  console.log(render([report], 'text'));
  if (e.verdict === 'refused')
    return { code: EXIT.refused, message: `${e.stack}: not applied; the plan guard refused its new plan.` };
  const c = report.counts;
  const nothingToChange = c.import + c.add + c.change + c.destroy + c.forget === 0 && !e.outputChanges?.length;
  if (nothingToChange) console.log(`${e.stack}: the new plan changes nothing; applied without asking.`);
  else if (!options.replanConsumers) {
    if (options.autoApprove)
      return {
        code: EXIT.stalePlan,
        untouched: true,
        message: `${e.stack}: planned now that ${producers} is applied; review plans/${env}/${e.stack}/plan.txt, then run npm run deploy again (--replan-consumers lets the guard alone pass such plans).`,
      };
    if (!(await confirm(`Apply this new plan of ${e.stack} (environment "${env}")?`, options)))
      return {
        code: EXIT.notConfirmed,
        message: `${e.stack}: not confirmed; not applied (its plan is saved for npm run deploy).`,
      };
  }
  return bindCopy(env, e, work);
}

async function deploySaved(env: string, options: OpsOptions): Promise<number> {
  const m = readManifest(env);
  const order = synthesizedStacks();
  if (!m || m.stacks.length === 0) {
    console.error(`No reviewed plans of environment "${env}": run STUDENTS_ENV=${env} npm run plan first.`);
    return EXIT.stalePlan;
  }
  const missing = order.filter((s) => !m.stacks.some((e) => e.stack === s));
  if (missing.length > 0) {
    console.error(
      `The last npm run plan of "${env}" did not finish: ${missing.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no plan. Run npm run plan -- --from ${missing[0]}.`,
    );
    return EXIT.stalePlan;
  }
  const failed = m.stacks.find((e) => e.state === 'failed');
  if (failed) {
    console.error(
      `${failed.stack}: its last apply did not finish (${failed.error ?? 'failed'}), so its plan cannot be applied again. Plan it and what follows: npm run plan -- --from ${failed.stack}`,
    );
    return EXIT.stalePlan;
  }
  const done = m.stacks.filter((e) => e.state === 'applied').map((e) => e.stack);
  const pending = m.stacks.filter((e) => e.state !== 'applied');
  if (pending.length === 0) {
    console.error(`Every plan of "${env}" in the manifest is applied already; npm run plan makes new ones.`);
    return EXIT.ok;
  }
  if (done.length > 0) console.error(`Resuming: ${done.join(', ')} applied already; not applied again.`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'students-deploy-'));
  try {
    const copies = new Map<string, string>();
    const reports = [];
    for (const e of pending.filter((p) => p.state === 'planned')) {
      const bound = bindCopy(env, e, work);
      if (!bound.copy) {
        console.error(bound.problem);
        return EXIT.stalePlan;
      }
      copies.set(e.stack, bound.copy);
      const json = path.join(work, `${e.stack}.json`);
      writeFileSync(json, await showJson(e.stack, bound.copy), { mode: 0o600 });
      reports.push(analyse(e.stack, readPlan(json), options));
    }
    console.log(render(reports, 'text'));
    const waiting = pending.filter((p) => p.state === 'waits');
    for (const w of waiting) console.log(waitLine(w));
    if (blocking(reports).length > 0) {
      console.error('\nNothing was applied: the plan guard refused (see above).');
      return EXIT.refused;
    }
    const then = waiting.length ? `, then plan and show the ${waiting.length} that wait for them` : '';
    if (!(await confirm(`\nApply these ${copies.size} reviewed plans to environment "${env}"${then}?`, options))) {
      console.error('Not confirmed; nothing was applied.');
      return EXIT.notConfirmed;
    }
    const step = async (stack: string): Promise<StepResult> => {
      const e = entryOf(m, stack);
      if (e.state === 'waits') {
        const bound = await planWaiting(env, m, e, work, options);
        if ('code' in bound) return bound;
        if (!bound.copy) return { code: EXIT.stalePlan, untouched: true, message: bound.problem };
        copies.set(stack, bound.copy);
      }
      const problem = verify(env, e, copies.get(stack));
      if (problem) return { code: EXIT.stalePlan, untouched: true, message: problem };
      const res = await applyPlan(stack, copies.get(stack) as string);
      if (res.code === EXIT.ok) Object.assign(e, { state: 'applied', appliedAt: new Date().toISOString() });
      else Object.assign(e, { state: 'failed', error: res.message?.split('\n')[0] ?? `exit ${res.code}` });
      writeManifest(m);
      return res;
    };
    return (
      await applyInOrder(
        pending.map((e) => e.stack),
        step,
        done,
      )
    ).code;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const options = parseOps(
    process.argv.slice(2),
    ['guard', 'auto-approve', 'plan', 'update-ami', 'local-state', 'replan-consumers'],
    USAGE,
  );
  const config = opsConfig(options);
  const env = config.environment;
  lockEnvironment(env, 'npm run deploy');
  if (options.plan) {
    const { stacks } = await synthesize(config);
    const planned = await planEnvironment(env, stacks, undefined, (s) => planArgsFor(s, options.updateAmi), options);
    if (planned.code !== EXIT.ok) return planned.code;
  }
  const code = await deploySaved(env, { ...options, replanConsumers: options.replanConsumers || options.plan });
  if (code === EXIT.ok) console.log(`\ndeployed environment ${env}; next: npm run smoke`);
  return code;
}

if (require.main === module) runMain(main);
