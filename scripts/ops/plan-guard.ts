/**
 * The plan guard's analysis of one `terraform show -json` plan (format 1.x): every change by
 * action with its changed attributes (sensitive masked, unknown shown as such), Terraform's own
 * counts, drift, imports and moves, and what it refuses (plan-rules.ts), or a plan that errored
 * or is incomplete.
 */
import path from 'node:path';
import { statefulRuleFor } from '../../stacks/stateful';
import { type AttributeChange, at, attributeChanges, type ResourceChangeJson } from './plan-diff';
import { type Allowances, type Refusal, refusalsOf } from './plan-rules';

export type { AttributeChange, ResourceChangeJson } from './plan-diff';
export type { Refusal } from './plan-rules';

/** The parts of Terraform's JSON plan format the guard reads. */
export interface PlanJson {
  format_version?: string;
  terraform_version?: string;
  errored?: boolean;
  complete?: boolean;
  resource_changes?: ResourceChangeJson[];
  resource_drift?: ResourceChangeJson[];
  prior_state?: unknown;
  configuration?: unknown;
}

export type Kind = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'read' | 'forget' | 'create-forget';

/** Every action list Terraform's JSON output format documents. */
export function kindOf(actions: readonly string[]): Kind {
  const a = actions.join(',');
  switch (a) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
    case 'forget':
      return a;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'create,forget':
      return 'create-forget';
    case 'no-op':
    case '':
      return 'no-op';
    default:
      throw new Error(`unknown action list [${a}]`);
  }
}

export interface Change {
  readonly address: string;
  /** The address a `moved` block moved it from. */
  readonly previousAddress?: string;
  readonly kind: Kind;
  readonly importing: boolean;
  readonly order?: 'destroy-before-create' | 'create-before-destroy';
  readonly reason?: string;
  readonly replacePaths?: string[];
  readonly attributes: AttributeChange[];
  /** Why the resource is stateful, when it is. */
  readonly stateful?: string;
}

export interface Counts {
  import: number;
  add: number;
  change: number;
  destroy: number;
  forget: number;
}

export interface PlanReport {
  readonly stack: string;
  readonly terraformVersion?: string;
  readonly counts: Counts;
  readonly changes: Change[];
  readonly drift: Change[];
  readonly refusals: Refusal[];
  /** Not refused, but worth a loud line (e.g. a plan that creates a whole environment anew). */
  readonly warnings: string[];
}

/**
 * `--allow-destroy` names a delete, replace or forget (`address` or `stack:address`), or a loss
 * inside a resource (`<address>.retention_in_days`, `<address>.index.<name>`);
 * `--allow-unprotect` names a protection to let be switched off.
 */
export type GuardOptions = Allowances;

export function stackNameOf(file: string): string {
  // plans/<stack>/plan.json, or the file name itself.
  const base = path.basename(file, '.json');
  return base === 'plan' ? path.basename(path.dirname(file)) : base;
}

function toChange(rc: ResourceChangeJson): Change {
  const kind = kindOf(rc.change.actions);
  const rule = statefulRuleFor(rc.address) ?? (rc.previous_address ? statefulRuleFor(rc.previous_address) : undefined);
  return {
    address: rc.address,
    ...(rc.previous_address ? { previousAddress: rc.previous_address } : {}),
    kind,
    importing: Boolean(rc.change.importing),
    ...(kind === 'replace'
      ? { order: rc.change.actions[0] === 'delete' ? 'destroy-before-create' : 'create-before-destroy' }
      : {}),
    ...(rc.action_reason ? { reason: rc.action_reason } : {}),
    ...(rc.change.replace_paths?.length
      ? { replacePaths: rc.change.replace_paths.map((p) => p.map(String).join('.')) }
      : {}),
    attributes: kind === 'update' || kind === 'replace' ? attributeChanges(rc.change) : [],
    ...(rule ? { stateful: rule.why } : {}),
  };
}

export function analyse(stack: string, plan: PlanJson, options: GuardOptions = {}): PlanReport {
  const managed = (plan.resource_changes ?? []).filter((rc) => rc.mode !== 'data');
  const changes = managed.map(toChange);
  const drift = (plan.resource_drift ?? [])
    .filter((rc) => rc.mode !== 'data')
    .map((rc) => ({ ...toChange(rc), attributes: attributeChanges(rc.change) }));
  // Terraform's own `Plan:` line counts a replacement as one add and one destroy.
  const counts: Counts = { import: 0, add: 0, change: 0, destroy: 0, forget: 0 };
  for (const c of changes) {
    if (c.importing) counts.import++;
    if (c.kind === 'create' || c.kind === 'replace' || c.kind === 'create-forget') counts.add++;
    if (c.kind === 'update') counts.change++;
    if (c.kind === 'delete' || c.kind === 'replace') counts.destroy++;
    if (c.kind === 'forget' || c.kind === 'create-forget') counts.forget++;
  }

  const refusals: Refusal[] = [];
  if (plan.errored)
    refusals.push({
      address: '(plan)',
      why: 'the plan errored: Terraform could not finish planning; read its errors and plan again',
      allowed: false,
    });
  if (plan.complete === false)
    refusals.push({
      address: '(plan)',
      why: 'the plan is incomplete (targeted or deferred changes): apply would leave the stack half-changed',
      allowed: false,
    });
  refusals.push(...refusalsOf(stack, managed, plan, options));

  const warnings: string[] = [];
  const creates = changes.filter((c) => c.kind === 'create').length;
  if (changes.length > 0 && creates === changes.length && !hasPriorResources(plan)) {
    warnings.push(
      `${stack}: every resource would be created and the state is empty. If this environment already exists, this is not its state: check STUDENTS_STATE_BUCKET before applying.`,
    );
  }
  return {
    stack,
    ...(plan.terraform_version ? { terraformVersion: plan.terraform_version } : {}),
    counts,
    changes,
    drift,
    refusals,
    warnings,
  };
}

function hasPriorResources(plan: PlanJson): boolean {
  const root = at(at(at(plan.prior_state, 'values'), 'root_module'), 'resources');
  return Array.isArray(root) && root.some((r) => at(r, 'mode') === 'managed');
}

/** Terraform's own summary line, as `terraform plan` prints it; forget is added where there is any. */
export function planLine(c: Counts): string {
  const parts = [
    c.import > 0 ? `${c.import} to import` : '',
    `${c.add} to add`,
    `${c.change} to change`,
    `${c.destroy} to destroy`,
  ].filter(Boolean);
  return `Plan: ${parts.join(', ')}.${c.forget > 0 ? ` And ${c.forget} to forget (left in AWS, removed from state).` : ''}`;
}

/** The refusals that stand: not allowed by name. */
export function blocking(reports: readonly PlanReport[]): Refusal[] {
  return reports.flatMap((r) => r.refusals.filter((f) => !f.allowed));
}
