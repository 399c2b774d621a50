/**
 * The CDK for Terraform command-line tool, named once: the port to CDK Terrain changes this line
 * (`cdktn`), its imports and its packages, and nothing else (see `npm run check:cdktn`).
 */
import path from 'node:path';
import { ROOT } from './dist';

export const CDK_CLI = 'cdktf';

export function cdkCliPath(root = ROOT): string {
  return path.join(root, 'node_modules', '.bin', CDK_CLI);
}
