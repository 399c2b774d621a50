/**
 * Writing `terraform test` files: HCL strings, plan-time overrides, runs of assertions, and the
 * stand-ins for values that other stacks output (through cdktf's remote state).
 */

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON, read by shape
export type Json = Record<string, any>;

/** An HCL string literal: JSON's escapes, plus Terraform's template escapes. */
export function hclString(value: string): string {
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

const REMOTE_PREFIX = 'cross-stack-reference-input-';

/**
 * The stand-in for a value another stack outputs: the producing expression, in angle brackets; an
 * ARN's is shaped as an ARN, since the provider checks the ARNs it is given at plan time.
 */
export function standIn(expression: string): string {
  const readable = `<${expression.replace(/^\$\{(.*)\}$/, '$1')}>`;
  return /\.arn\}?$/.test(expression) ? `arn:aws:mock:us-east-1:123456789012:${readable}` : readable;
}

export function remoteStateOverrides(stack: Json, stacks: Record<string, Json>): string[] {
  return Object.keys(stack.data?.terraform_remote_state ?? {}).map((name) => {
    const producer = stacks[name.slice(REMOTE_PREFIX.length)];
    if (!producer) throw new Error(`remote state ${name} names no synthesized stack`);
    const outputs = Object.entries((producer.output ?? {}) as Record<string, Json>)
      .map(([output, body]) => `      ${hclString(output)} = ${hclString(standIn(String(body.value)))}`)
      .join('\n');
    return `override_data {\n  target = data.terraform_remote_state.${name}\n  values = {\n    outputs = {\n${outputs}\n    }\n  }\n}`;
  });
}

/** Known values for computed attributes at plan time, so assertions can compare them. */
export function known(address: string, values: Record<string, string | Record<string, string>>): string {
  const body = Object.entries(values)
    .map(
      ([k, v]) =>
        `${k} = ${
          typeof v === 'string'
            ? hclString(v)
            : `{ ${Object.entries(v)
                .map(([a, b]) => `${a} = ${hclString(b)}`)
                .join(', ')} }`
        }`,
    )
    .join(', ');
  return `override_resource {\n  target = ${address}\n  override_during = plan\n  values = { ${body} }\n}`;
}

export function run(name: string, asserts: [condition: string, message: string][]): string {
  const body = asserts
    .map(([c, m]) => `  assert {\n    condition     = ${c}\n    error_message = ${hclString(m)}\n  }`)
    .join('\n');
  return `run ${hclString(name)} {\n  command = plan\n${body}\n}`;
}

/** A reference to what another stack outputs, as the consumer's remote state sees it. */
export function crossStack(stack: Json, stacks: Record<string, Json>, producerExpression: string): string {
  for (const name of Object.keys(stack.data?.terraform_remote_state ?? {})) {
    const producer = stacks[name.slice(REMOTE_PREFIX.length)];
    for (const body of Object.values((producer?.output ?? {}) as Record<string, Json>)) {
      if (String(body.value) === `\${${producerExpression}}`) return hclString(standIn(producerExpression));
    }
  }
  throw new Error(`no stack outputs ${producerExpression}`);
}
