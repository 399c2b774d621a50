/**
 * The port from CDK for Terraform to its maintained fork, CDK Terrain, as text edits: the
 * imports, the packages (constructs within the fork's range) and the CLI constant. Nothing
 * else of the project changes; `npm run check:cdktn` proves it.
 */

/** The fork's packages, in place of cdktf's. */
export const CDKTN_PACKAGES = {
  cdktn: '0.24.0',
  'cdktn-cli': '0.24.0',
  '@cdktn/provider-aws': '25.7.0',
  /** Both fork packages require constructs >=10.6.0 <10.8.0. */
  constructs: '10.7.2',
} as const;

/** Renames cdktf's modules where a source imports them (and only there: a tag's value stays). */
export function portSource(text: string): string {
  const module = /(\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)(['"])(@cdktf\/provider-aws|cdktf)(\/[^'"]*)?\2/g;
  return text.replace(module, (_m, lead: string, q: string, name: string, rest = '') => {
    const renamed = name === 'cdktf' ? 'cdktn' : '@cdktn/provider-aws';
    return `${lead}${q}${renamed}${rest}${q}`;
  });
}

/** The CLI constant of scripts/cdk-cli.ts. */
export function portCliConstant(text: string): string {
  const ported = text.replace(/export const CDK_CLI = 'cdktf';/, "export const CDK_CLI = 'cdktn';");
  if (ported === text) throw new Error("scripts/cdk-cli.ts no longer has `export const CDK_CLI = 'cdktf';`");
  return ported;
}

type PackageJson = { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** package.json with the fork's packages in place of cdktf's. */
export function portPackageJson(pkg: PackageJson): PackageJson {
  const deps = { ...pkg.dependencies };
  const dev = { ...pkg.devDependencies };
  delete deps.cdktf;
  delete deps['@cdktf/provider-aws'];
  delete dev['cdktf-cli'];
  deps.cdktn = CDKTN_PACKAGES.cdktn;
  deps['@cdktn/provider-aws'] = CDKTN_PACKAGES['@cdktn/provider-aws'];
  deps.constructs = CDKTN_PACKAGES.constructs;
  dev['cdktn-cli'] = CDKTN_PACKAGES['cdktn-cli'];
  return { ...pkg, dependencies: deps, devDependencies: dev };
}
