/** IAM policy documents as JSON strings, written once for every stack. */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]> | '*';
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/**
 * A key policy's first statement: the account administers the key, and IAM policies may grant its
 * use (without it, a key whose policy names no one else can never be managed again).
 */
export function accountAdministers(accountId: string): PolicyStatement {
  return {
    Sid: 'AccountAdministers',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A trust policy's statements name who may assume the role, not a resource. */
export type TrustStatement = Omit<PolicyStatement, 'Resource'>;

export function trustPolicy(statements: readonly TrustStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
