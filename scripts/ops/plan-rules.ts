/**
 * What the plan guard refuses in one plan, rule by rule: a delete, replace or forget of a stateful
 * resource (at its address or the address it moved from), of anything an alarm or a subscription
 * uses, a protection switched off, a log group's retention lowered, and a table index removed or
 * changed. Each refusal names what lets it through.
 */
import { PROTECTIONS, statefulRuleFor } from '../../stacks/stateful';
import { at, type ResourceChangeJson, show } from './plan-diff';

/** One refusal: `allowName` is what `allowWith` must name (as given, or `stack:` before it). */
export interface Refusal {
  readonly address: string;
  readonly why: string;
  /** The flag that lets it through, when one can. */
  readonly allowWith?: '--allow-destroy' | '--allow-unprotect';
  /** What to pass to `allowWith`: the address, or a part of it such as an index. */
  readonly allowName?: string;
  readonly allowed: boolean;
}

/** What a plan holds beyond its changes: the configuration's references. */
export interface PlanContext {
  readonly configuration?: unknown;
}

export interface Allowances {
  readonly allowDestroy?: readonly string[];
  readonly allowUnprotect?: readonly string[];
}

const LOSES = new Set(['delete,create', 'create,delete', 'delete', 'forget', 'create,forget']);
/** Resources that page someone: whatever they use must not vanish or be replaced unnoticed. */
const PAGING = new Set(['aws_sns_topic_subscription', 'aws_cloudwatch_metric_alarm', 'aws_autoscaling_notification']);

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

function verbOf(actions: readonly string[]): string {
  const a = actions.join(',');
  return a === 'delete' ? 'delete' : a === 'forget' || a === 'create,forget' ? 'forget' : 'replace';
}

function named(list: readonly string[] | undefined, stack: string, name: string): boolean {
  return (list ?? []).some((a) => a === name || a === `${stack}:${name}`);
}

/** Addresses a subscription, alarm or Auto Scaling notification refers to, with who refers. */
export function pagingDependencies(configuration: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const resources = at(at(configuration, 'root_module'), 'resources');
  for (const r of Array.isArray(resources) ? resources : []) {
    if (!PAGING.has(String(at(r, 'type')))) continue;
    const refs = JSON.stringify(at(r, 'expressions') ?? {}).matchAll(/"references":\[([^\]]*)\]/g);
    for (const m of refs) {
      for (const ref of JSON.parse(`[${m[1]}]`) as string[]) {
        const address = ref.split('.').slice(0, 2).join('.');
        if (!/^aws_/.test(address)) continue;
        out.set(address, [...new Set([...(out.get(address) ?? []), String(at(r, 'address'))])]);
      }
    }
  }
  return out;
}

interface Index {
  readonly name: string;
  readonly shape: string;
}
function indexes(table: unknown): Index[] {
  const list = ['global_secondary_index', 'local_secondary_index'].flatMap((k) => {
    const v = at(table, k);
    return Array.isArray(v) ? v : [];
  });
  return list.map((i) => ({
    name: String(at(i, 'name')),
    // What DynamoDB rebuilds the index for; capacity settings change in place.
    shape: JSON.stringify([
      at(i, 'hash_key'),
      at(i, 'range_key'),
      at(i, 'projection_type'),
      [...((at(i, 'non_key_attributes') as string[] | undefined) ?? [])].sort(),
    ]),
  }));
}

export function refusalsOf(
  stack: string,
  managed: readonly ResourceChangeJson[],
  context: PlanContext,
  allow: Allowances,
): Refusal[] {
  const out: Refusal[] = [];
  const refuse = (address: string, why: string, allowName = address, flag: Refusal['allowWith'] = '--allow-destroy') =>
    out.push({
      address,
      why,
      allowWith: flag,
      allowName,
      allowed: named(flag === '--allow-destroy' ? allow.allowDestroy : allow.allowUnprotect, stack, allowName),
    });
  const paging = pagingDependencies(context.configuration);
  for (const rc of managed) {
    const actions = rc.change.actions;
    const key = actions.join(',');
    if (LOSES.has(key)) {
      const rule = statefulRuleFor(rc.address) ?? (rc.previous_address && statefulRuleFor(rc.previous_address));
      const moved = rc.previous_address ? ` (moved from ${rc.previous_address})` : '';
      const users = paging.get(rc.address);
      if (rule) refuse(rc.address, `would ${verbOf(actions)} it${moved}, and it ${rule.why}`);
      else if (users)
        refuse(
          rc.address,
          `would ${verbOf(actions)} it${moved}, and ${users.join(', ')} use it: paging stops or loses its subscriptions`,
        );
    }
    if (key !== 'update') continue;
    const { before, after } = rc.change;
    for (const p of PROTECTIONS) {
      if (rc.type !== p.type) continue;
      const [b, a] = [before, after].map((v) => p.path.reduce<unknown>((x, k) => at(x, k), v));
      if (
        JSON.stringify(b) === JSON.stringify(p.protectedValue) &&
        JSON.stringify(a) !== JSON.stringify(p.protectedValue)
      )
        refuse(
          rc.address,
          `would switch off ${p.what} (${p.path.join('.')}: ${show(b)} → ${show(a)})`,
          rc.address,
          '--allow-unprotect',
        );
    }
    if (rc.type === 'aws_cloudwatch_log_group') {
      const b = Number(at(before, 'retention_in_days'));
      const a = Number(at(after, 'retention_in_days'));
      // 0 keeps logs forever: lowering means a smaller positive number of days.
      if (Number.isFinite(b) && Number.isFinite(a) && a > 0 && (b === 0 || a < b))
        refuse(
          rc.address,
          `would lower the log retention from ${b === 0 ? 'forever' : days(b)} to ${days(a)}: older logs are deleted`,
          `${rc.address}.retention_in_days`,
        );
    }
    if (rc.type === 'aws_dynamodb_table') {
      const after_ = new Map(indexes(after).map((i) => [i.name, i.shape]));
      for (const i of indexes(before)) {
        const now = after_.get(i.name);
        if (now === i.shape) continue;
        refuse(
          rc.address,
          now === undefined
            ? `would remove the index ${JSON.stringify(i.name)}: every read through it fails from then on`
            : `would change the index ${JSON.stringify(i.name)}: DynamoDB deletes and rebuilds it, and reads through it fail until it is back`,
          `${rc.address}.index.${i.name}`,
        );
      }
    }
  }
  return out;
}
