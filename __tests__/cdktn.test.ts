/**
 * The port to CDK Terrain (`npm run check:cdktn` applies it in a temporary copy): its text edits,
 * and the comparison that fails on any difference beyond the provider's version and source and
 * metadata. The check itself installs the fork and runs in CI after the tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareStacks, normalise } from '../scripts/cdktn/compare';
import { CDKTN_PACKAGES, portCliConstant, portPackageJson, portSource } from '../scripts/cdktn/port';

test('the port renames modules where they are imported, and nothing else', () => {
  const source = [
    "import { App, TerraformStack } from 'cdktf';",
    "import 'cdktf/lib/testing/adapters/jest';",
    "import { Vpc } from '@cdktf/provider-aws/lib/vpc';",
    "const lazy = require('cdktf');",
    "const tags = { 'managed-by': 'cdktf' };",
  ].join('\n');
  expect(portSource(source).split('\n')).toEqual([
    "import { App, TerraformStack } from 'cdktn';",
    "import 'cdktn/lib/testing/adapters/jest';",
    "import { Vpc } from '@cdktn/provider-aws/lib/vpc';",
    "const lazy = require('cdktn');",
    "const tags = { 'managed-by': 'cdktf' };",
  ]);
  const cli = readFileSync(path.join(__dirname, '..', 'scripts', 'cdk-cli.ts'), 'utf8');
  expect(portCliConstant(cli)).toContain("export const CDK_CLI = 'cdktn';");
  const pkg = portPackageJson(JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')));
  expect(pkg.dependencies).toMatchObject({
    cdktn: CDKTN_PACKAGES.cdktn,
    '@cdktn/provider-aws': '25.7.0',
    constructs: '10.7.2',
  });
  expect(pkg.dependencies.cdktf).toBeUndefined();
  expect(pkg.devDependencies['cdktn-cli']).toBe('0.24.0');
});

test('the only CLI name in the project is the one constant', () => {
  const pkg = readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8');
  expect(pkg).not.toMatch(/"[^"]*\bcdktf (synth|deploy|destroy)/);
});

test('the comparison ignores the provider version and source and metadata, and reports any other difference', () => {
  const cdktf = {
    stack: {
      '//': { metadata: { version: '0.21.0' } },
      terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
      resource: { aws_vpc: { vpc: { '//': { metadata: { path: 'a' } }, cidr_block: '10.0.0.0/16' } } },
    },
  };
  const cdktn = {
    stack: {
      '//': { metadata: { version: '0.24.0' } },
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '6.66.0' } } },
      resource: { aws_vpc: { vpc: { '//': { metadata: { path: 'b' } }, cidr_block: '10.0.0.0/16' } } },
    },
  };
  expect(compareStacks(cdktf, cdktn)).toEqual([]);
  const changed = JSON.parse(JSON.stringify(cdktn));
  changed.stack.resource.aws_vpc.vpc.cidr_block = '10.1.0.0/16';
  changed.stack.resource.aws_vpc.vpc.enable_dns_support = true;
  expect(compareStacks(cdktf, changed)).toEqual([
    'stack: resource.aws_vpc.vpc.cidr_block: "10.0.0.0/16" → "10.1.0.0/16"',
    'stack: resource.aws_vpc.vpc.enable_dns_support: undefined → true',
  ]);
  expect(compareStacks(cdktf, { ...cdktn, extra: {} })).toEqual(['extra: only in cdktn']);
  expect(normalise(cdktf.stack)).not.toHaveProperty('//');
});
