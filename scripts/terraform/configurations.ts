/**
 * The configurations the README documents, as environment variables for `loadConfig`. Validation,
 * the mock plans, the policy tests and the CDK Terrain check all synthesize these, so every
 * documented combination of settings is proven by real Terraform.
 */
export const EXAMPLE_CERTIFICATE =
  'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

export interface NamedConfiguration {
  readonly name: string;
  readonly description: string;
  readonly env: Readonly<Record<string, string>>;
}

export const CONFIGURATIONS: readonly NamedConfiguration[] = [
  { name: 'dev', description: 'defaults: one NAT gateway, HTTP, no SSH', env: {} },
  {
    name: 'prod',
    description:
      'HTTPS with a domain and its DNS record, staff sign-in with a Cognito user pool, AWS Backup copied to another region with a locked vault, a customer-managed key, SSH, Instance Connect, remote state, a pinned AMI',
    env: {
      STUDENTS_ENV: 'prod',
      STUDENTS_AWS_ACCOUNT_ID: '123456789012',
      STUDENTS_CERTIFICATE_ARN: EXAMPLE_CERTIFICATE,
      STUDENTS_DOMAIN_NAME: 'portal.example.edu',
      STUDENTS_HOSTED_ZONE_ID: 'Z0123456789ABCDEFGHIJ',
      STUDENTS_SSH_KEY_NAME: 'ops',
      STUDENTS_SSH_ALLOWED_CIDRS: '203.0.113.0/24',
      STUDENTS_INSTANCE_CONNECT_ENDPOINT: 'true',
      STUDENTS_STATE_BUCKET: 'example-terraform-state',
      STUDENTS_AMI_ID: 'ami-0123456789abcdef0',
      STUDENTS_STAFF_AUTH: 'cognito',
      STUDENTS_BACKUP_COPY_REGION: 'us-west-2',
      STUDENTS_BACKUP_VAULT_LOCK_DAYS: '7',
      STUDENTS_CMK: 'true',
    },
  },
  {
    name: 'nat-none',
    description: 'no NAT gateway: instances in public subnets with public addresses',
    env: { STUDENTS_NAT_MODE: 'none' },
  },
  {
    name: 'per-az',
    description:
      "a NAT gateway per zone over 3 zones, in a region opened after 2021 (log delivery by service principal), HTTPS, staff sign-in with the school's OIDC provider",
    env: {
      STUDENTS_CERTIFICATE_ARN:
        'arn:aws:acm:eu-central-2:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      STUDENTS_STAFF_AUTH: 'oidc',
      STUDENTS_STAFF_OIDC_ISSUER: 'https://login.school.example',
      STUDENTS_STAFF_OIDC_AUTHORIZATION_ENDPOINT: 'https://login.school.example/authorize',
      STUDENTS_STAFF_OIDC_TOKEN_ENDPOINT: 'https://login.school.example/token',
      STUDENTS_STAFF_OIDC_USER_INFO_ENDPOINT: 'https://login.school.example/userinfo',
      STUDENTS_STAFF_OIDC_CLIENT_ID: 'students-portal',
      STUDENTS_STAFF_OIDC_CLIENT_SECRET_PARAMETER: '/students/qa/oidc-client-secret',
      STUDENTS_STAFF_OIDC_LOGOUT_URL: 'https://login.school.example/logout',
      STUDENTS_ENV: 'qa',
      STUDENTS_AWS_ACCOUNT_ID: '123456789012',
      STUDENTS_NAT_MODE: 'per-az',
      STUDENTS_AZ_COUNT: '3',
      STUDENTS_REGION: 'eu-central-2',
    },
  },
];
