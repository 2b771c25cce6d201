import { ConfigError } from '../../core/errors';
import { readEnv, type Env } from '../../config/env';
import { unlisted } from '../../config/validations';
import { isLoopbackHostname } from '../../http/loopback';

/** Hosted mode's settings, checked. */
export interface ResolvedHostedSignIn {
  /** Where PingOne sends the browser back, as registered on the application. */
  redirectUri: string;
  /** Its path: the callback route answers there. */
  callbackPath: string;
  /**
   * Whether this app is served over https, as `redirectUri` says: the cookies are `Secure` and
   * `__Host-` prefixed then. Taken from the configured URL, never from the request, which a proxy
   * may present as plain http.
   */
  secure: boolean;
  postLogoutRedirectUri: string | undefined;
  /** Secrets: never log or serialize them. The first seals, every one opens. */
  cookieSecrets: string[];
  stepUpAcrValues: string | undefined;
}

const CODE = 'ERR_PINGONE_SIGN_IN';
const MIN_SECRET_LENGTH = 32;

/** The options of `signIn` hosted mode reads (their documentation is on SignInOptions). */
export interface HostedOptionsInput {
  path?: string;
  postLogoutRedirectUri?: string;
  cookieSecret?: string | string[];
  stepUpAcrValues?: string;
}

export function resolveHostedSignIn(
  given: HostedOptionsInput,
  redirectUri: unknown,
  env: Env,
  keySecret: string | undefined,
): ResolvedHostedSignIn {
  if (redirectUri === undefined) {
    throw new ConfigError(
      CODE,
      'signIn.redirectUri (or PINGONE_SIGNIN_REDIRECT_URI) is required in hosted mode: the ' +
        'absolute URL of this app that PingOne sends the browser back to, as registered on the ' +
        'application, such as https://app.example.com/auth/callback. To sign people in through ' +
        "your own form instead, set signIn.mode to 'redirectless' (PINGONE_SIGNIN_MODE=redirectless).",
    );
  }
  const callback = appUrl('signIn.redirectUri', redirectUri);
  if (callback.pathname === (given.path ?? '/signin')) {
    throw new ConfigError(
      CODE,
      `signIn.redirectUri's path ${callback.pathname} is also signIn.path, where a sign-in starts: ` +
        'give the callback a path of its own, such as /auth/callback.',
    );
  }
  const resolved: ResolvedHostedSignIn = {
    redirectUri: callback.href,
    callbackPath: callback.pathname,
    secure: callback.protocol === 'https:',
    postLogoutRedirectUri:
      given.postLogoutRedirectUri === undefined
        ? undefined
        : appUrl('signIn.postLogoutRedirectUri', given.postLogoutRedirectUri).href,
    cookieSecrets: cookieSecrets(given.cookieSecret, env, keySecret),
    stepUpAcrValues: acrValues(given.stepUpAcrValues),
  };
  return unlisted(resolved, 'cookieSecrets');
}

/** An absolute URL of this app: `https:`, or `http:` on this machine; no query, no fragment. */
function appUrl(option: string, value: unknown): URL {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    url = undefined;
  }
  const allowed =
    url !== undefined &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname))) &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  if (!allowed) {
    throw new ConfigError(
      CODE,
      `${option} got ${JSON.stringify(String(value))}; it must be an absolute https: URL (http: ` +
        'only on localhost), without query or fragment, as registered on the application.',
    );
  }
  return url!;
}

function cookieSecrets(given: unknown, env: Env, keySecret: string | undefined): string[] {
  const fromEnv = readEnv(env, 'signInCookieSecret')?.split(/\s+/).filter(Boolean);
  const secrets =
    given === undefined
      ? (fromEnv ?? (keySecret === undefined ? undefined : [keySecret]))
      : Array.isArray(given)
        ? given
        : [given];
  if (secrets === undefined) {
    throw new ConfigError(
      CODE,
      'signIn.cookieSecret (or PINGONE_SIGNIN_COOKIE_SECRET) is required in hosted mode: a random ' +
        "secret of 32+ characters that this app's session cookie is sealed with, the same on every " +
        'instance, for example from `openssl rand -base64 32`. With cache.keySecret set, it is ' +
        'derived from that instead.',
    );
  }
  if (
    secrets.length === 0 ||
    !secrets.every((secret) => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH)
  ) {
    throw new ConfigError(
      CODE,
      'signIn.cookieSecret must be a string of at least 32 characters, or a non-empty list of them ' +
        '(the first seals, every one opens).',
    );
  }
  return secrets as string[];
}

function acrValues(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(value)) {
    throw new ConfigError(
      CODE,
      'signIn.stepUpAcrValues must be sign-on policy names separated by single spaces.',
    );
  }
  return value;
}
