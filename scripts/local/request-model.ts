/**
 * The deployed request validator, as far as our model goes: the POST model asks for a JSON object
 * and nothing more (every field rule is the handler's, so each field error names its field). The
 * local gateway checks exactly that, and refuses to start on a model that asks for more, rather
 * than silently letting through what API Gateway would refuse.
 */
import type { ApiRoute } from '../../core/contract';

/** Keywords that describe a model without constraining it. */
const DESCRIPTIVE = new Set(['$schema', 'title', 'description']);

export function assertObjectModels(routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    if (!route.bodySchema) continue;
    const rules = Object.keys(route.bodySchema).filter((k) => !DESCRIPTIVE.has(k));
    if (rules.join() !== 'type' || route.bodySchema.type !== 'object')
      throw new Error(
        `the local gateway checks a request model of "type: object" only; the ${route.method} model also has ${rules.filter((r) => r !== 'type').join(', ') || `type ${String(route.bodySchema.type)}`}`,
      );
  }
}

/** Why a body is not what the request model accepts (a JSON object), or undefined. */
export function objectBodyProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Invalid JSON in request body';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : '$: expected object';
}
