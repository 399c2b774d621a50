import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { LbListenerRule, type LbListenerRuleAction } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { Construct } from 'constructs';
import { STAFF_PATHS } from '../../core/staff-sign-in';
import type { OidcProvider } from '../config';

/** How long a staff sign-in lasts at the load balancer, in seconds: a working day. */
export const STAFF_SESSION_SECONDS = 8 * 60 * 60;

/** Props of staff sign-in at the load balancer. */
export interface StaffSignInProps {
  /** Physical names: `<namePrefix>-staff`. */
  readonly namePrefix: string;
  readonly region: string;
  /** The load balancer's HTTPS listener: the staff paths' rule goes there. */
  readonly listenerArn: string;
  /** Where signed-in staff are forwarded: the portal's target group. */
  readonly targetGroupArn: string;
  /** The load balancer's security group: it must reach the identity provider over HTTPS. */
  readonly loadBalancerSecurityGroupId: string;
  /** `https://<the site's name>`: the sign-in's callback and the sign-out's return. */
  readonly siteUrl: string;
  /**
   * The school's own identity provider.
   * @default a Cognito user pool of this environment
   */
  readonly oidc?: OidcProvider;
  /**
   * Deletion protection on the user pool (it holds the staff accounts).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * Staff sign-in at the load balancer: a listener rule on `/staff` and `/staff/*` that
 * authenticates (with a Cognito user pool of admin-created users, MFA available, and a hosted
 * domain; or with the school's OIDC provider) before forwarding, and the egress the load balancer
 * needs to reach the provider. The portal verifies the identity the load balancer signs.
 */
export class StaffSignIn extends Construct {
  /** Where the portal sends staff after expiring the load balancer's session: the provider's logout. */
  public readonly signOutUrl: string;
  /** The user pool's id, to create staff accounts in (Cognito only). */
  public readonly userPoolId?: string;

  constructor(scope: Construct, id: string, props: StaffSignInProps) {
    super(scope, id);
    new VpcSecurityGroupEgressRule(this, 'egress', {
      securityGroupId: props.loadBalancerSecurityGroupId,
      description: 'To the identity provider: the load balancer signs staff in over HTTPS',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    }).overrideLogicalId('alb-egress-identity-provider');

    let authenticate: LbListenerRuleAction;
    const common = {
      onUnauthenticatedRequest: 'authenticate',
      scope: 'openid email profile',
      sessionTimeout: STAFF_SESSION_SECONDS,
    };
    if (props.oidc) {
      const secret = new DataAwsSsmParameter(this, 'client-secret', {
        name: props.oidc.clientSecretParameter,
        withDecryption: true,
      });
      secret.overrideLogicalId('staff-oidc-client-secret');
      authenticate = {
        type: 'authenticate-oidc',
        order: 1,
        authenticateOidc: {
          ...common,
          issuer: props.oidc.issuer,
          authorizationEndpoint: props.oidc.authorizationEndpoint,
          tokenEndpoint: props.oidc.tokenEndpoint,
          userInfoEndpoint: props.oidc.userInfoEndpoint,
          clientId: props.oidc.clientId,
          clientSecret: secret.value,
        },
      };
      this.signOutUrl = props.oidc.logoutUrl ?? '/';
    } else {
      const pool = new CognitoUserPool(this, 'pool', {
        name: `${props.namePrefix}-staff`,
        // Staff accounts are made by an administrator; nobody signs themselves up.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        usernameAttributes: ['email'],
        autoVerifiedAttributes: ['email'],
        mfaConfiguration: 'OPTIONAL',
        softwareTokenMfaConfiguration: { enabled: true },
        passwordPolicy: {
          minimumLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: false,
          temporaryPasswordValidityDays: 3,
        },
        accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
        deletionProtection: (props.deletionProtection ?? true) ? 'ACTIVE' : 'INACTIVE',
      });
      pool.overrideLogicalId('staff-user-pool');
      const account = new DataAwsCallerIdentity(this, 'account');
      account.overrideLogicalId('staff-account');
      // Hosted domains are global per region: the account id keeps this one unique.
      const domain = new CognitoUserPoolDomain(this, 'domain', {
        domain: `${props.namePrefix}-staff-${account.accountId}`,
        userPoolId: pool.id,
      });
      domain.overrideLogicalId('staff-user-pool-domain');
      const client = new CognitoUserPoolClient(this, 'client', {
        name: `${props.namePrefix}-load-balancer`,
        userPoolId: pool.id,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ['code'],
        allowedOauthScopes: ['openid', 'email', 'profile'],
        supportedIdentityProviders: ['COGNITO'],
        callbackUrls: [`${props.siteUrl}/oauth2/idpresponse`],
        logoutUrls: [`${props.siteUrl}/`],
        preventUserExistenceErrors: 'ENABLED',
      });
      client.overrideLogicalId('staff-user-pool-client');
      authenticate = {
        type: 'authenticate-cognito',
        order: 1,
        authenticateCognito: {
          ...common,
          userPoolArn: pool.arn,
          userPoolClientId: client.id,
          userPoolDomain: domain.domain,
        },
      };
      this.signOutUrl = `https://${domain.domain}.auth.${props.region}.amazoncognito.com/logout?client_id=${client.id}&logout_uri=${encodeURIComponent(`${props.siteUrl}/`)}`;
      this.userPoolId = pool.id;
    }
    new LbListenerRule(this, 'rule', {
      listenerArn: props.listenerArn,
      priority: 10,
      condition: [{ pathPattern: { values: STAFF_PATHS } }],
      action: [authenticate, { type: 'forward', order: 2, targetGroupArn: props.targetGroupArn }],
    }).overrideLogicalId('staff-sign-in-rule');
  }
}
