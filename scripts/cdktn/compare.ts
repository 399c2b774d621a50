/**
 * Compares what the two toolchains synthesize: equal but for what the port is expected to
 * change (the AWS provider's version and source, and cdktf's metadata).
 */
type Json = Record<string, unknown>;

/** A stack's JSON without the parts a port changes by design. */
export function normalise(stack: Json): Json {
  const copy = JSON.parse(JSON.stringify(stack)) as Json;
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) if (k !== '//') out[k] = strip(v);
      return out;
    }
    return node;
  };
  const clean = strip(copy) as Json;
  const aws = ((clean.terraform as Json | undefined)?.required_providers as Json | undefined)?.aws as Json | undefined;
  if (aws) {
    aws.version = '(provider version)';
    aws.source = '(provider source)';
  }
  return clean;
}

/** Every path at which two JSON values differ, with both values (at most `limit`). */
export function differences(a: unknown, b: unknown, at = '', limit = 50, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as Json), ...Object.keys(b as Json)]);
    for (const k of [...keys].sort()) differences((a as Json)[k], (b as Json)[k], at ? `${at}.${k}` : k, limit, out);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    out.push(`${at || '(root)'}: ${JSON.stringify(a)?.slice(0, 120)} → ${JSON.stringify(b)?.slice(0, 120)}`);
  return out;
}

/** Differences between two synthesized stack sets (name → JSON), after normalising. */
export function compareStacks(cdktf: Record<string, Json>, cdktn: Record<string, Json>): string[] {
  const out: string[] = [];
  for (const name of [...new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])].sort()) {
    if (!cdktf[name] || !cdktn[name]) {
      out.push(`${name}: only in ${cdktf[name] ? 'cdktf' : 'cdktn'}`);
      continue;
    }
    for (const d of differences(normalise(cdktf[name]), normalise(cdktn[name]))) out.push(`${name}: ${d}`);
  }
  return out;
}
