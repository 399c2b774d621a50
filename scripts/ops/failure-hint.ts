/** What an operator should do about a failed Terraform call, from what Terraform said. */
import { lockTimeout, type TerraformFailure } from './terraform';

export function failureHint(stderr: string): string {
  if (/prevent_destroy/.test(stderr)) {
    return 'A resource with prevent_destroy would be destroyed. If that is intended, lift deletion protection first (STUDENTS_DELETION_PROTECTION=false, planned with --allow-unprotect and applied), then plan again with --allow-destroy; see the runbook, "Destroy".';
  }
  if (/Unable to find remote state|No stored state was found|terraform_remote_state/.test(stderr)) {
    return 'A stack this one reads from has not been applied yet: npm run plan marks such a stack "waits for", and npm run deploy plans it once what it reads is applied.';
  }
  if (/Error acquiring the state lock/.test(stderr))
    return `The state is locked by another run (waited ${lockTimeout()}; STUDENTS_TF_LOCK_TIMEOUT sets how long); see the runbook, "A stuck state lock".`;
  if (/Saved plan is stale/i.test(stderr))
    return "The stack's state changed after the plan was made (another apply, or drift): plan it again (npm run plan -- --from <stack>) and review it.";
  if (
    /No valid credential sources|ExpiredToken|InvalidClientTokenId|security token included in the request is (invalid|expired)|failed to refresh cached credentials/i.test(
      stderr,
    )
  )
    return 'AWS credentials are missing or expired: sign in again (aws sso login, or your usual way), then run the same command.';
  return "Read terraform's errors above.";
}

/** A failed Terraform call as an operator reads it: what failed, Terraform's errors, what to do. */
export function failureReport(err: TerraformFailure): string {
  return `${err.message}\n${err.result.stderr.trim()}\n\n${failureHint(err.result.stderr)}`;
}
