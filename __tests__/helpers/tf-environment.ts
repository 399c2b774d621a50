/**
 * A small environment of real Terraform stacks without AWS, shaped like ours: `terraform_data`
 * resources stand in for subnets, NAT gateways, the fleet and the alarms, and the stacks read
 * each other's outputs through `terraform_remote_state` under cdktf's output names. The ops tools
 * take it through STUDENTS_STACKS_FROM instead of synthesizing the app.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TF_STACKS = ['students-dev-network', 'students-dev-frontend', 'students-dev-monitoring'] as const;

export interface ShapeOptions {
  readonly azCount: number;
  readonly natMode: 'single' | 'per-az';
}

const subnetOutput = (i: number) => `cross-stack-output-aws_subnetprivate-subnet-${i}id`;
const natOutput = (i: number) => `cross-stack-output-aws_nat_gatewaynat-gateway-${i}id`;
const ASG_OUTPUT = 'cross-stack-output-aws_autoscaling_groupasgname';
const range = (n: number) => [...Array(n).keys()];

/** State lands beside cdktf.out, as the real stacks' local backend puts it. */
const statePath = (stack: string) => `../../../terraform.${stack}.tfstate`;
const backend = (stack: string) => ({ backend: { local: { path: statePath(stack) } } });
const remote = (stack: string) => ({
  [`cross-stack-reference-input-${stack}`]: { backend: 'local', config: { path: statePath(stack) } },
});
const read = (stack: string, output: string) =>
  `\${data.terraform_remote_state.cross-stack-reference-input-${stack}.outputs.${output}}`;

function stacksOf({ azCount, natMode }: ShapeOptions): Record<string, unknown> {
  const nats = natMode === 'per-az' ? azCount : 1;
  const network = {
    terraform: backend('students-dev-network'),
    resource: {
      terraform_data: Object.fromEntries([
        ...range(azCount).map((i) => [`private-subnet-${i}`, { input: `subnet-${i}` }]),
        ...range(nats).map((i) => [`nat-gateway-${i}`, { input: `nat-${i}` }]),
      ]),
    },
    output: Object.fromEntries([
      ...range(azCount).map((i) => [subnetOutput(i), { value: `\${terraform_data.private-subnet-${i}.output}` }]),
      ...range(nats).map((i) => [natOutput(i), { value: `\${terraform_data.nat-gateway-${i}.output}` }]),
    ]),
  };
  const frontend = {
    terraform: backend('students-dev-frontend'),
    data: { terraform_remote_state: remote('students-dev-network') },
    resource: {
      terraform_data: {
        asg: {
          input: {
            name: 'students-dev-asg',
            subnets: range(azCount).map((i) => read('students-dev-network', subnetOutput(i))),
          },
          // A launch that fails while ../../../fail-frontend exists: an apply error in the middle stack.
          provisioner: [{ 'local-exec': { command: 'test ! -e ../../../fail-frontend' } }],
        },
      },
    },
    output: { [ASG_OUTPUT]: { value: '${terraform_data.asg.output.name}' } },
  };
  const monitoring = {
    terraform: backend('students-dev-monitoring'),
    data: { terraform_remote_state: { ...remote('students-dev-network'), ...remote('students-dev-frontend') } },
    resource: {
      terraform_data: Object.fromEntries([
        ...range(nats).map((i) => [`nat-errors-${i}`, { input: read('students-dev-network', natOutput(i)) }]),
        ['unhealthy-hosts', { input: read('students-dev-frontend', ASG_OUTPUT) }],
      ]),
    },
  };
  return { 'students-dev-network': network, 'students-dev-frontend': frontend, 'students-dev-monitoring': monitoring };
}

/** Writes the stacks of one shape into `dir` (replacing an earlier shape), with their deploy order. */
export function writeEnvironment(dir: string, shape: ShapeOptions): void {
  for (const [stack, json] of Object.entries(stacksOf(shape))) {
    mkdirSync(path.join(dir, stack), { recursive: true });
    writeFileSync(path.join(dir, stack, 'cdk.tf.json'), `${JSON.stringify(json, null, 2)}\n`);
  }
  writeFileSync(path.join(dir, 'deploy-order.json'), JSON.stringify(TF_STACKS));
}
