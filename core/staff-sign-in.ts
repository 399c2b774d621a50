/**
 * Where the staff pages are, and the names the load balancer's staff sign-in uses. The stacks put
 * the sign-in rule on these paths, the portal serves and verifies there and expires the session
 * on sign-out, and the local stand-in imitates the load balancer with the same names.
 */

/** The staff pages' path. */
export const STAFF_PATH = '/staff';
/** The paths the load balancer signs staff in for, before it forwards. */
export const STAFF_PATHS = [STAFF_PATH, `${STAFF_PATH}/*`];

/** Whether a request path (with its query) is a staff page. */
export function isStaffPath(pathAndQuery: string): boolean {
  const rest = pathAndQuery.slice(STAFF_PATH.length);
  return pathAndQuery.startsWith(STAFF_PATH) && (rest === '' || /^[/?]/.test(rest));
}

/** The headers the load balancer adds after a sign-in: the signed claims, the subject, the access token. */
export const ALB_IDENTITY_HEADERS = {
  data: 'x-amzn-oidc-data',
  identity: 'x-amzn-oidc-identity',
  accessToken: 'x-amzn-oidc-accesstoken',
} as const;

/** The load balancer keeps its session in up to four cookies: this name and an index, 0 to 3. */
export const ALB_SESSION_COOKIES = [0, 1, 2, 3].map((i) => `AWSELBAuthSessionCookie-${i}`);
