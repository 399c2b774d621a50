/** What changed in one resource: leaf attributes before → after, sensitive values masked, unknown ones named. */

/** One resource's entry in `terraform show -json`'s resource_changes (or resource_drift). */
export interface ResourceChangeJson {
  address: string;
  /** Where a `moved` block moved it from. */
  previous_address?: string;
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

/** The field that identifies each element of a set of blocks (an index, a policy statement). */
const IDENTITY = ['name', 'Sid'] as const;

/** Keys an array by its elements' identity when every element has a distinct one; else by position. */
function keyed(list: unknown[]): Map<string, unknown> | undefined {
  for (const field of IDENTITY) {
    const ids = list.map((e) => at(e, field));
    if (ids.every((id) => typeof id === 'string') && new Set(ids).size === ids.length)
      return new Map(list.map((e, i) => [`[${ids[i]}]`, e]));
  }
  return undefined;
}

/** A string holding a JSON object or array (a policy, a dashboard body), parsed; else undefined. */
function parsedJson(v: unknown): object | undefined {
  if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return undefined;
  try {
    const parsed = JSON.parse(v) as unknown;
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const container = (v: unknown): v is object => v !== null && typeof v === 'object';

/** Children of a container pair: by identity when both sides' elements have one, else by key. */
function children(
  before: unknown,
  after: unknown,
  unknown: unknown,
): [string, unknown, unknown, unknown, string | number][] {
  if (Array.isArray(before) || Array.isArray(after)) {
    const [b, a] = [before, after].map((v) => (Array.isArray(v) ? keyed(v) : undefined));
    const bothKeyed = (b || !Array.isArray(before)) && (a || !Array.isArray(after)) && (b || a);
    if (bothKeyed && !container(unknown)) {
      const keys = [...new Set([...(b?.keys() ?? []), ...(a?.keys() ?? [])])].sort();
      return keys.map((k) => [k, b?.get(k), a?.get(k), undefined, k]);
    }
  }
  const keys = new Set<string>();
  for (const v of [before, after, unknown]) if (container(v)) for (const k of Object.keys(v)) keys.add(k);
  const numeric = Array.isArray(before ?? after);
  return [...keys]
    .sort((x, y) => (numeric ? Number(x) - Number(y) : x < y ? -1 : 1))
    .map((k) => {
      const key = numeric ? Number(k) : k;
      return [k, at(before, key), at(after, key), at(unknown, key), key];
    });
}

/**
 * Every changed leaf attribute, before → after, masking sensitive values and naming unknown ones.
 * Sets of blocks are matched by identity (`global_secondary_index.[by-name].range_key`), never by
 * position; a JSON document held in a string is compared structurally (`policy{}.Statement.[Read].Action`).
 */
export function attributeChanges(change: ResourceChangeJson['change']): AttributeChange[] {
  const out: AttributeChange[] = [];
  const walk = (before: unknown, after: unknown, unknown: unknown, bs: unknown, as: unknown, trail: string[]) => {
    if (unknown === true) {
      out.push({ path: trail.join('.'), before: bs === true ? MASK : show(before), after: UNKNOWN });
      return;
    }
    if (bs !== true && as !== true) {
      const [jb, ja] = [parsedJson(before), parsedJson(after)];
      if ((jb || ja) && (jb || before == null || before === '') && (ja || after == null || after === '')) {
        const last = trail.length - 1;
        walk(jb, ja, undefined, undefined, undefined, [...trail.slice(0, last), `${trail[last]}{}`]);
        return;
      }
    }
    // A block or document added or removed whole reads best as one value.
    const absent = (v: unknown) => v === undefined || v === null;
    if (
      !container(unknown) &&
      bs !== true &&
      as !== true &&
      trail.length > 0 &&
      (absent(before) || absent(after)) &&
      (container(before) || container(after))
    ) {
      out.push({ path: trail.join('.'), before: show(before ?? undefined), after: show(after ?? undefined) });
      return;
    }
    if (container(before) || container(after) || container(unknown)) {
      for (const [k, b, a, u, key] of children(before, after, unknown)) {
        walk(b, a, u, bs === true ? true : at(bs, key), as === true ? true : at(as, key), [...trail, k]);
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
