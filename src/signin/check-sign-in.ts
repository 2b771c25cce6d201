import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import { parseJson, type UpstreamResponse } from '../client/http';
import { MISCONFIGURATION_FIXES } from '../core/misconfiguration';
import { notReady } from '../client/pingone-client';
import type { SignOnClient } from '../client/sign-on-client';
import { ConfigError } from '../core/errors';
import {
  isDaVinciAnswer,
  pingOneAnswer,
  readFlow,
  signInMisconfiguration,
} from './redirectless/pingone-answers';

/**
 * `ready()`'s check of the sign-in application, with two calls that sign nobody in. An authorize
 * shows whether PingOne knows the client ID (the flow it starts is forgotten after 15 idle
 * minutes). A token request with a made-up code shows whether the client authenticates: PingOne
 * checks the client before the code, so `invalid_grant` means the credentials are right and
 * `invalid_client` that they are not.
 */
export async function checkSignInReady(
  signOn: SignOnClient,
  mode: 'hosted' | 'redirectless',
): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const request = {
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
  };
  if (mode === 'hosted') {
    // The browser's authorize: PingOne redirects to its sign-on page when it takes the client and
    // the redirect URI, and shows an error (or redirects with one) when it does not.
    const authorized = await asked(() => signOn.authorizeRedirect(request));
    const location = String(authorized.headers.location ?? '');
    const redirected = authorized.status >= 300 && authorized.status < 400;
    if (!(redirected || authorized.status === 200) || /[?&#]error=/.test(location)) {
      throw refused('authorize', { ...authorized, status: redirected ? 400 : authorized.status });
    }
  } else {
    const authorized = await asked(() => signOn.authorize(request, new CookieJar()));
    if (authorized.status !== 200 || isDaVinciAnswer(authorized)) {
      throw refused('authorize', authorized);
    }
    try {
      readFlow(authorized);
    } catch {
      throw unexpected('as/authorize', authorized);
    }
  }

  const redeemed = await asked(() =>
    signOn.redeem(randomBytes(32).toString('base64url'), verifier, new CookieJar()),
  );
  const error = (parseJson(redeemed.body) as { error?: unknown } | undefined)?.error;
  if (redeemed.status === 400 && error === 'invalid_grant') return;
  throw refused('redeem', redeemed);
}

async function asked(call: () => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
  try {
    return await call();
  } catch (error) {
    throw notReady(error);
  }
}

function refused(call: 'authorize' | 'redeem', response: UpstreamResponse): ConfigError {
  const cause = signInMisconfiguration(call, response);
  const operation = call === 'authorize' ? 'as/authorize' : 'as/token';
  if (cause === undefined) return unexpected(operation, response);
  return new ConfigError(
    'ERR_PINGONE_NOT_READY',
    `${MISCONFIGURATION_FIXES[cause]} (${operation} answered ${describe(response)})`,
  );
}

function unexpected(operation: string, response: UpstreamResponse): ConfigError {
  return new ConfigError(
    'ERR_PINGONE_NOT_READY',
    `PingOne's ${operation} answered ${describe(response)}, which a sign-in cannot use; try ` +
      'again, or check authPath (PINGONE_AUTH_PATH).',
  );
}

/** The status and PingOne's (or OAuth's) error code: never a description that could echo input. */
function describe(response: UpstreamResponse): string {
  const body = parseJson(response.body) as { error?: unknown } | undefined;
  const code = pingOneAnswer(response)?.code ?? body?.error;
  return typeof code === 'string' && /^[A-Za-z_]{1,64}$/.test(code)
    ? `${response.status} ${code}`
    : String(response.status);
}
