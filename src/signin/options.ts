import { ConfigError } from '../core/errors';
import { readEnv, type Env } from '../config/env';
import {
  checkOneOf,
  checkOptionsObject,
  checkReturnTo,
  checkSitePath,
  toAbsoluteHttpUrl,
  unlisted,
} from '../config/validations';
import { resolveOriginPolicy } from '../http/origin-options';
import { resolveHostedSignIn, type ResolvedHostedSignIn } from './hosted/options';
import type { OriginPolicy } from '../http/request-origin';
import {
  resolveSignInLimits,
  type ResolvedSignInLimits,
  type SignInLimitsOptions,
} from './redirectless/limit-options';

/**
 * Options of the sign-in routes mounted by {@link pingSession}, for a PingOne OIDC application (not
 * the worker application). `'hosted'`: PingOne's own sign-on page, any sign-on policy, single
 * sign-on between apps. `'redirectless'`: this server drives PingOne's flow API behind your own
 * form (password and one-time passwords only).
 */
export interface SignInOptions {
  /**
   * `'hosted'` sends the browser to PingOne's sign-on page and back to `redirectUri`;
   * `'redirectless'` signs people in through this server with your own sign-in page.
   * Default: `PINGONE_SIGNIN_MODE`, else `'hosted'`.
   */
  mode?: 'hosted' | 'redirectless';
  /** Client ID of the OIDC application. Default: `PINGONE_SIGNIN_CLIENT_ID`. */
  clientId?: string;
  /**
   * Its client secret; leave out for an application whose token endpoint authentication method is
   * None (PKCE is always used). Default: `PINGONE_SIGNIN_CLIENT_SECRET`.
   */
  clientSecret?: string;
  /**
   * How the application authenticates when it redeems the authorization code.
   * Default: `'client_secret_basic'` with a `clientSecret`, else `'none'`.
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /**
   * Hosted: the absolute URL PingOne sends the browser back to, as registered on the application
   * (`https:`, or `http:` on this machine); the middleware answers on its path. Redirectless: sent
   * only if the application insists on one. Default: `PINGONE_SIGNIN_REDIRECT_URI`; required in
   * hosted mode.
   */
  redirectUri?: string;
  /**
   * Hosted: where PingOne sends the browser after signing it out on its own host too (a sign-out
   * URL registered on the application). Default: none; the logout ends the PingOne session and
   * stays on this site.
   */
  postLogoutRedirectUri?: string;
  /**
   * Hosted: the secret (32+ characters) this app's session cookie is sealed with, or a list: the
   * first seals, every one opens, so a new secret can be rolled out before an old one is dropped.
   * The same on every instance. Default: `PINGONE_SIGNIN_COOKIE_SECRET` (several separated by
   * spaces), else one derived from `cache.keySecret`.
   */
  cookieSecret?: string | string[];
  /**
   * Hosted: names of sign-on policies assigned to the application, sent as `acr_values` when a
   * route asks for a step-up. Default: none (the application's own policy).
   */
  stepUpAcrValues?: string;
  /** Scopes asked for; must include `openid`. Default: `'openid'`. */
  scope?: string;
  /**
   * Path the route answers on, relative to where `pingSession()` is mounted. Hosted: a `GET` there
   * starts a sign-in. Default: `'/signin'`.
   */
  path?: string;
  /**
   * Where a completed sign-in lands when the request names no safe `returnTo`. A path on this
   * site. Default: `'/'`.
   */
  returnTo?: string;
  /** Other origins whose pages may post to the route; see {@link LogoutOptions.allowedOrigins}. */
  allowedOrigins?: string[];
  /** Let through posts with no `Sec-Fetch-Site`, `Origin` or `Referer`. Default: `false`. */
  allowNoOrigin?: boolean;
  /** Origins besides this site's that a `returnTo` may send the browser to. Default: `[]`. */
  allowedReturnTo?: string[];
  /**
   * Redirectless: how many sign-in flows one address may start, and how many passwords and codes
   * one address or username may try, per window; `false` when the app limits them itself.
   * Default: on (60 starts, 30 guesses per address, 10 per username, in 15 minutes).
   */
  limits?: SignInLimitsOptions | false;
}

export interface ResolvedSignIn extends OriginPolicy {
  mode: 'hosted' | 'redirectless';
  clientId: string;
  /** Secret: never log or serialize it. */
  clientSecret: string | undefined;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirectUri: string | undefined;
  scope: string;
  path: string;
  returnTo: string;
  allowedReturnTo: ReadonlySet<string>;
  /** Hosted mode's own settings; `undefined` in redirectless mode. */
  hosted: ResolvedHostedSignIn | undefined;
  /** Redirectless mode's bounds on starts and guesses; `false` for none. */
  limits: ResolvedSignInLimits | false;
}

export const SIGN_IN_DEFAULTS = {
  scope: 'openid',
  path: '/signin',
  returnTo: '/',
} as const;

const SIGN_IN_OPTION_NAMES: readonly (keyof SignInOptions)[] = [
  'mode',
  'clientId',
  'clientSecret',
  'tokenEndpointAuthMethod',
  'redirectUri',
  'postLogoutRedirectUri',
  'cookieSecret',
  'stepUpAcrValues',
  'scope',
  'path',
  'returnTo',
  'allowedOrigins',
  'allowNoOrigin',
  'allowedReturnTo',
  'limits',
];

export function resolveSignIn(
  signIn: SignInOptions | false | undefined,
  env: Env,
  keySecret: string | undefined,
): ResolvedSignIn | false {
  const code = 'ERR_PINGONE_SIGN_IN';
  const envClientId = readEnv(env, 'signInClientId');
  if (signIn === false || (signIn === undefined && envClientId === undefined)) return false;
  const given = checkOptionsObject('signIn', signIn, SIGN_IN_OPTION_NAMES, code);
  // As with the worker's credentials, the environment is read only when no credential is given.
  const fromCode = given.clientId !== undefined || given.clientSecret !== undefined;
  const clientId = fromCode ? given.clientId : envClientId;
  const clientSecret = fromCode ? given.clientSecret : readEnv(env, 'signInClientSecret');
  if (typeof clientId !== 'string' || clientId.trim() === '') {
    throw new ConfigError(
      code,
      'signIn.clientId (or PINGONE_SIGNIN_CLIENT_ID) must be the client ID of a PingOne OIDC ' +
        'application with the authorization code grant; or set signIn: false.',
    );
  }
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
    throw new ConfigError(code, 'signIn.clientSecret must be a non-empty string, or left out.');
  }
  const authMethod = checkOneOf(
    'signIn.tokenEndpointAuthMethod',
    given.tokenEndpointAuthMethod ?? (clientSecret === undefined ? 'none' : 'client_secret_basic'),
    ['client_secret_basic', 'client_secret_post', 'none'],
    code,
  );
  if ((authMethod === 'none') !== (clientSecret === undefined)) {
    throw new ConfigError(
      code,
      authMethod === 'none'
        ? 'signIn.tokenEndpointAuthMethod "none" takes no clientSecret: leave it out.'
        : `signIn.tokenEndpointAuthMethod "${authMethod}" needs signIn.clientSecret (or PINGONE_SIGNIN_CLIENT_SECRET).`,
    );
  }
  const scope = given.scope ?? SIGN_IN_DEFAULTS.scope;
  if (
    typeof scope !== 'string' ||
    !scope.split(' ').includes('openid') ||
    /[^\x21-\x7e ]/.test(scope)
  ) {
    throw new ConfigError(
      code,
      'signIn.scope must be space-separated scopes that include "openid", such as "openid profile".',
    );
  }
  const mode = checkOneOf(
    'signIn.mode (or PINGONE_SIGNIN_MODE)',
    given.mode ?? readEnv(env, 'signInMode') ?? 'hosted',
    ['hosted', 'redirectless'],
    code,
  );
  const redirectUri = given.redirectUri ?? readEnv(env, 'signInRedirectUri');
  const resolved: ResolvedSignIn = {
    mode,
    clientId,
    clientSecret,
    authMethod,
    redirectUri: redirectUri === undefined ? undefined : checkRedirectUri(redirectUri),
    hosted: mode === 'hosted' ? resolveHostedSignIn(given, redirectUri, env, keySecret) : undefined,
    scope,
    path: checkSitePath('signIn.path', given.path ?? SIGN_IN_DEFAULTS.path, code),
    returnTo: checkReturnTo('signIn.returnTo', given.returnTo ?? SIGN_IN_DEFAULTS.returnTo, code),
    limits: resolveSignInLimits(given.limits),
    ...resolveOriginPolicy('signIn', given, code),
  };
  return unlisted(resolved, 'clientSecret');
}

function checkRedirectUri(value: unknown): string {
  const url = toAbsoluteHttpUrl(value);
  if (url !== undefined) return url;
  throw new ConfigError(
    'ERR_PINGONE_SIGN_IN',
    'signIn.redirectUri must be an absolute http(s) URL registered on the application, without a fragment.',
  );
}
