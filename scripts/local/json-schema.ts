/**
 * The part of JSON Schema draft-04 that our API request models use (type, required,
 * properties, minLength, maxLength), so the local gateway rejects what the deployed
 * request validator rejects. An unsupported keyword is an error, not silently ignored.
 */
const SUPPORTED = new Set(['$schema', 'title', 'type', 'required', 'properties', 'minLength', 'maxLength']);

type Schema = Record<string, unknown>;

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`json-schema: unsupported type ${type}`);
  }
}

/** Returns the first problem found, or undefined when the value matches. */
export function validateAgainstSchema(schema: Schema, value: unknown, at = '$'): string | undefined {
  for (const key of Object.keys(schema))
    if (!SUPPORTED.has(key)) throw new Error(`json-schema: unsupported keyword ${key}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) return `${at}: expected ${types.join(' or ')}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength)
      return `${at}: shorter than ${schema.minLength}`;
    if (typeof schema.maxLength === 'number' && length > schema.maxLength)
      return `${at}: longer than ${schema.maxLength}`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (!(name in obj)) return `${at}: missing required property ${name}`;
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, sub] of Object.entries(properties)) {
      if (name in obj) {
        const problem = validateAgainstSchema(sub, obj[name], `${at}.${name}`);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}
