/**
 * The frontend instances' user data, rendered from `ec2-frontend/deploy/` with the stack's values.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DEPLOY_DIR = path.resolve(__dirname, '..', 'ec2-frontend', 'deploy');
export const USER_DATA_TEMPLATE = path.join(DEPLOY_DIR, 'user-data.sh');
export const SYSTEMD_UNIT_TEMPLATE = path.join(DEPLOY_DIR, 'students-frontend.service');

/** Values the frontend's user data needs; they may be Terraform references. */
export interface UserDataValues {
  readonly artifactBucket: string;
  readonly artifactKey: string;
  /** The artifact's S3 version: an instance launched from an older template still finds its own. */
  readonly artifactVersion: string;
  readonly region: string;
  /** CloudWatch log groups the agent ships the app's log and the bootstrap log to. */
  readonly appLogGroup: string;
  readonly bootstrapLogGroup: string;
  readonly apiEndpoint: string;
  /** `iam` (the portal signs its API calls) or `public`. */
  readonly apiAccess: string;
  /** Who sees the directory (`STUDENTS_DIRECTORY`). */
  readonly directory: string;
  /** The load balancer whose staff sign-in the portal trusts (its ARN), or '' without staff sign-in. */
  readonly staffSignerArn: string;
  /** Where staff sign-out ends (the identity provider's logout), or ''. */
  readonly staffSignOutUrl: string;
  /** The KMS HMAC key the portal derives its sealing secret from, and the generation to seal with. */
  readonly sealKeyArn: string;
  readonly sealKeyGeneration: number;
  readonly appPort: number;
  readonly nodeMajor: number;
}

type Part = { readonly literal: string } | { readonly value: string };

function parts(values: UserDataValues): Part[] {
  const unit = readFileSync(SYSTEMD_UNIT_TEMPLATE, 'utf8').trimEnd();
  const script = readFileSync(USER_DATA_TEMPLATE, 'utf8');
  const fills: Record<string, Part> = {
    '@ARTIFACT_BUCKET@': { value: values.artifactBucket },
    '@ARTIFACT_KEY@': { value: values.artifactKey },
    '@ARTIFACT_VERSION@': { value: values.artifactVersion },
    '@REGION@': { literal: values.region },
    '@APP_LOG_GROUP@': { value: values.appLogGroup },
    '@BOOTSTRAP_LOG_GROUP@': { value: values.bootstrapLogGroup },
    '@API_ENDPOINT@': { value: values.apiEndpoint },
    '@API_ACCESS@': { literal: values.apiAccess },
    '@DIRECTORY_MODE@': { literal: values.directory },
    '@STAFF_SIGNER_ARN@': { value: values.staffSignerArn },
    '@STAFF_SIGN_OUT_URL@': { value: values.staffSignOutUrl },
    '@SEAL_KMS_KEY_ID@': { value: values.sealKeyArn },
    '@SEAL_KEY_GENERATION@': { literal: String(values.sealKeyGeneration) },
    '@APP_PORT@': { literal: String(values.appPort) },
    '@NODE_MAJOR@': { literal: String(values.nodeMajor) },
    '@SYSTEMD_UNIT@': { literal: unit },
  };
  const out: Part[] = [];
  let last = 0;
  for (const m of script.matchAll(/@[A-Z_]+@/g)) {
    const fill = fills[m[0]];
    if (!fill) continue; // filled on the instance (the unit's @NODE_BIN@ and friends)
    out.push({ literal: script.slice(last, m.index) }, fill);
    last = m.index + m[0].length;
  }
  out.push({ literal: script.slice(last) });
  return out;
}

/** The script as the instance receives it (with references still unresolved): what a reader and the credential scan see. */
export function plainUserData(values: UserDataValues): string {
  return parts(values)
    .map((p) => ('literal' in p ? p.literal : p.value))
    .join('');
}

/** Terraform template escapes: `${` and `%{` in literal text are the shell's, not Terraform's. */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * The script for Terraform, as one string template for a top-level argument (a local): the
 * shell's own `${…}` escaped, references left as references. The files under
 * `ec2-frontend/deploy/` stay plain shell and systemd, so shellcheck and a reader see what runs.
 */
export function renderUserData(values: UserDataValues): string {
  return parts(values)
    .map((p) => ('literal' in p ? escapeTemplate(p.literal) : p.value))
    .join('');
}
