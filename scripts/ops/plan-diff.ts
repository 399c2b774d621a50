/** What changed in one resource: leaf attributes before → after, sensitive values masked, unknown ones named. */

/** One resource's entry in `terraform show -json`'s resource_changes (or resource_drift). */
export interface ResourceChangeJson {
  address: string;
  mode?: 'managed' | 'data';
  type?: string;
  action_reason?: string;
  change: {
    actions: string[];
    before?: unknown;
    after?: unknown;
    after_unknown?: unknown;
    before_sensitive?: unknown;
    after_sensitive?: unknown;
    replace_paths?: unknown[][];
    importing?: { id?: string } | null;
  };
}

type Json = Record<string, unknown>;

export interface AttributeChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

const MASK = '(sensitive)';
const UNKNOWN = '(known after apply)';

export function at(value: unknown, key: string | number): unknown {
  if (Array.isArray(value)) return typeof key === 'number' ? value[key] : undefined;
  if (value && typeof value === 'object') return (value as Json)[String(key)];
  return undefined;
}
export function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** Changed leaf attributes, before → after, masking sensitive values and naming unknown ones. */
export function attributeChanges(change: ResourceChangeJson['change'], limit = 40): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, unknown: unknown, bs: unknown, as: unknown, trail: string[]) => {
    if (out.length >= limit) return;
    if (unknown === true) {
      out.push({ path: trail.join('.'), before: bs === true ? MASK : show(before), after: UNKNOWN });
      return;
    }
    const container = (v: unknown) => v !== null && typeof v === 'object';
    if (container(before) || container(after) || container(unknown)) {
      const keys = new Set<string>();
      for (const v of [before, after, unknown]) if (container(v)) for (const k of Object.keys(v as Json)) keys.add(k);
      for (const k of [...keys].sort()) {
        const key = Array.isArray(before ?? after) ? Number(k) : k;
        walk(
          at(before, key),
          at(after, key),
          at(unknown, key),
          bs === true ? true : at(bs, key),
          as === true ? true : at(as, key),
          [...trail, k],
        );
      }
      return;
    }
    if (JSON.stringify(before) === JSON.stringify(after) && bs !== true && as !== true) return;
    if ((bs === true || as === true) && JSON.stringify(before) === JSON.stringify(after)) return;
    out.push({
      path: trail.join('.'),
      before: bs === true ? MASK : show(before),
      after: as === true ? MASK : show(after),
    });
  };
  const c = change;
  walk(c.before ?? null, c.after ?? null, c.after_unknown ?? {}, c.before_sensitive ?? {}, c.after_sensitive ?? {}, []);
  return out.filter((a) => a.path !== '');
}
