/**
 * How staff sign in to the staff pages (`STUDENTS_STAFF_AUTH`): not at all (`none`), with a
 * Cognito user pool this project creates (`cognito`), or with the school's own OpenID Connect
 * provider (`oidc`: its issuer, endpoints and client, the secret read from an SSM SecureString at
 * plan time). The load balancer signs staff in, which it does only on an HTTPS listener.
 */
import { ConfigError } from './parsers';

export type StaffAuthMode = 'none' | 'cognito' | 'oidc';
const MODES: readonly StaffAuthMode[] = ['none', 'cognito', 'oidc'];

/** The school's identity provider, as the load balancer's `authenticate-oidc` action needs it. */
export interface OidcProvider {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userInfoEndpoint: string;
  readonly clientId: string;
  /** The SSM SecureString holding the client secret (read at plan time, never in the code). */
  readonly clientSecretParameter: string;
  /** Where sign-out ends: the provider's logout endpoint. @default the portal's home page */
  readonly logoutUrl?: string;
}

export type StaffAuthConfig =
  | { readonly mode: 'none' | 'cognito' }
  | { readonly mode: 'oidc'; readonly oidc: OidcProvider };

export const STAFF_AUTH_VARIABLES = {
  staffAuth: 'STUDENTS_STAFF_AUTH',
  oidcIssuer: 'STUDENTS_STAFF_OIDC_ISSUER',
  oidcAuthorizationEndpoint: 'STUDENTS_STAFF_OIDC_AUTHORIZATION_ENDPOINT',
  oidcTokenEndpoint: 'STUDENTS_STAFF_OIDC_TOKEN_ENDPOINT',
  oidcUserInfoEndpoint: 'STUDENTS_STAFF_OIDC_USER_INFO_ENDPOINT',
  oidcClientId: 'STUDENTS_STAFF_OIDC_CLIENT_ID',
  oidcClientSecretParameter: 'STUDENTS_STAFF_OIDC_CLIENT_SECRET_PARAMETER',
  oidcLogoutUrl: 'STUDENTS_STAFF_OIDC_LOGOUT_URL',
} as const;

const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;

export function parseStaffAuth(
  env: Record<string, string | undefined>,
  https: { certificateArn?: string; certificateSetting: string },
): StaffAuthConfig {
  const v = STAFF_AUTH_VARIABLES;
  const mode = (env[v.staffAuth]?.trim() || 'none') as StaffAuthMode;
  if (!MODES.includes(mode)) throw new ConfigError(v.staffAuth, `"${mode}" must be ${MODES.join(', ')}`);
  if (mode === 'none') return { mode };
  if (!https.certificateArn)
    throw new ConfigError(
      v.staffAuth,
      `staff sign-in (${mode}) needs the HTTPS listener: set ${https.certificateSetting} too (the load balancer signs staff in over HTTPS only)`,
    );
  if (mode === 'cognito') return { mode };
  const url = (name: string, optional = false): string | undefined => {
    const value = env[name]?.trim();
    if (!value) {
      if (optional) return undefined;
      throw new ConfigError(name, `${v.staffAuth}=oidc needs it: the school's identity provider's URL`);
    }
    if (!HTTPS_URL.test(value)) throw new ConfigError(name, `"${value}" is not an https:// URL`);
    return value;
  };
  const text = (name: string, pattern: RegExp, what: string): string => {
    const value = env[name]?.trim() ?? '';
    if (!pattern.test(value)) throw new ConfigError(name, `"${value}" is not ${what}`);
    return value;
  };
  const logoutUrl = url(v.oidcLogoutUrl, true);
  return {
    mode,
    oidc: {
      issuer: url(v.oidcIssuer) as string,
      authorizationEndpoint: url(v.oidcAuthorizationEndpoint) as string,
      tokenEndpoint: url(v.oidcTokenEndpoint) as string,
      userInfoEndpoint: url(v.oidcUserInfoEndpoint) as string,
      clientId: text(v.oidcClientId, /^[\w.@:-]{1,255}$/, 'a client id'),
      clientSecretParameter: text(
        v.oidcClientSecretParameter,
        /^\/?[\w.-]+(\/[\w.-]+)*$/,
        'an SSM parameter name like /students/prod/oidc-client-secret',
      ),
      ...(logoutUrl ? { logoutUrl } : {}),
    },
  };
}
