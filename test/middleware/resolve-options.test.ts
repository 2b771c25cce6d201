import { inspect } from 'node:util';
import { ConfigError, MemoryStore, pingSession, type PingSessionOptions } from '../../src';
import { resolveOptions } from '../../src/middleware/resolve-options';

const ENV_ID = 'abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6';
const SECRET = 'worker-secret-do-not-print';
const valid: PingSessionOptions = {
  environmentId: ENV_ID,
  clientId: 'client-1',
  clientSecret: SECRET,
};

/** The secret fields of resolved credentials, which are kept out of enumeration. */
function secretsOf(credentials: object): Record<string, unknown> {
  const { clientSecret, accessToken } = credentials as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({ clientSecret, accessToken }).filter(([, value]) => value !== undefined),
  );
}

function configErrorOf(options: unknown, env: Record<string, string> = {}): ConfigError {
  try {
    resolveOptions(options as PingSessionOptions, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('targets the North America hosts when no region is given', () => {
    const resolved = resolveOptions(valid, {});
    expect(resolved.apiPath).toBe('https://api.pingone.com/v1');
    expect(resolved.authPath).toBe('https://auth.pingone.com');
  });

  it('uses the ST cookie, a 5 second timeout, fail-closed and POST /logout back to /', () => {
    const resolved = resolveOptions(valid, {});
    expect(resolved).toMatchObject({
      cookieName: 'ST',
      cookiePath: '/',
      cookieDomain: undefined,
      timeoutMs: 5000,
      onUpstreamError: 'degrade',
      logout: { path: '/logout', returnTo: '/', clearCookies: [] },
    });
  });

  it('caches in memory: 10 000 entries, 30 s, users 60 s, 5 s for unknown tokens, 100 ms store timeout', () => {
    expect(resolveOptions(valid, {}).cache).toEqual({
      max: 10_000,
      ttlMs: 30_000,
      userTtlMs: 60_000,
      negativeTtlMs: 5_000,
      negativeMax: 10_000,
      unheardTtlMs: 1000,
      store: undefined,
      storeTimeoutMs: 100,
      staleIfErrorMs: 0,
      pingOneReadsPerSecond: undefined,
      maxStaleMs: 30_000,
    });
  });

  it('serves answers up to four times ttlMs old when a read budget is spent', () => {
    const cache = { ttlMs: 20_000, pingOneReadsPerSecond: 50 };
    expect(resolveOptions({ ...valid, cache }, {}).cache).toMatchObject({
      pingOneReadsPerSecond: 50,
      maxStaleMs: 80_000,
    });
  });

  it('retries 3 times within 10 s, breaks at half of 20 calls over 10 s for 10 s, 64 calls in flight', () => {
    expect(resolveOptions(valid, {})).toMatchObject({
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2000, budgetMs: 10_000 },
      circuitBreaker: { failureRate: 0.5, minimumCalls: 20, windowMs: 10_000, cooldownMs: 10_000 },
      maxConcurrentUpstream: 64,
      maxQueuedUpstream: 256,
    });
  });

  it('lets each client spend 30 reads of unknown tokens, refilled at 60 a minute', () => {
    expect(resolveOptions(valid, {}).unknownTokenBudget).toEqual({
      burst: 30,
      perMinute: 60,
      clients: 10_000,
    });
  });

  it('accepts tokens up to 4096 bytes, and logout posts from this site only', () => {
    const resolved = resolveOptions(valid, {});
    expect(resolved.maxTokenLength).toBe(4096);
    expect(resolved.logout).toMatchObject({
      allowedOrigins: new Set(),
      allowNoOrigin: false,
      allowedReturnTo: new Set(),
    });
  });

  it('logs to the console', () => {
    expect(resolveOptions(valid, {}).logger).toBe(console);
  });

  it('picks the hosts of the region given', () => {
    expect(resolveOptions({ ...valid, region: 'EU' }, {}).apiPath).toBe(
      'https://api.pingone.eu/v1',
    );
    expect(resolveOptions({ ...valid, region: 'AU' }, {}).authPath).toBe(
      'https://auth.pingone.com.au',
    );
  });

  it('drops a trailing slash from apiPath', () => {
    expect(resolveOptions({ ...valid, apiPath: 'https://api.example.com/v1/' }, {}).apiPath).toBe(
      'https://api.example.com/v1',
    );
  });
});

describe('environment variables', () => {
  const env = {
    PINGONE_ENVIRONMENT_ID: ENV_ID,
    PINGONE_REGION: 'CA',
    PINGONE_CLIENT_ID: 'env-client',
    PINGONE_CLIENT_SECRET: SECRET,
  };

  it('fill in every option that was not given', () => {
    const resolved = resolveOptions(undefined, env);
    expect(resolved.environmentId).toBe(ENV_ID);
    expect(resolved.apiPath).toBe('https://api.pingone.ca/v1');
    expect({ ...resolved.credentials, ...secretsOf(resolved.credentials) }).toEqual({
      kind: 'client',
      clientId: 'env-client',
      clientSecret: SECRET,
      authMethod: 'client_secret_basic',
    });
  });

  it('give way to options passed in code', () => {
    const resolved = resolveOptions({ region: 'SG' }, env);
    expect(resolved.apiPath).toBe('https://api.pingone.sg/v1');
  });

  it('override the region hosts with PINGONE_API_PATH and PINGONE_AUTH_PATH', () => {
    const resolved = resolveOptions(undefined, {
      ...env,
      PINGONE_API_PATH: 'http://127.0.0.1:9000/v1',
      PINGONE_AUTH_PATH: 'http://localhost:9000',
    });
    expect(resolved.apiPath).toBe('http://127.0.0.1:9000/v1');
    expect(resolved.authPath).toBe('http://localhost:9000');
  });

  it('are not mixed with credentials passed in code', () => {
    const resolved = resolveOptions({ accessToken: 'from-code' }, env);
    expect({ ...resolved.credentials, ...secretsOf(resolved.credentials) }).toEqual({
      kind: 'static',
      accessToken: 'from-code',
    });
  });

  it('give a static access token through PINGONE_ACCESS_TOKEN', () => {
    const resolved = resolveOptions(undefined, {
      PINGONE_ENVIRONMENT_ID: ENV_ID,
      PINGONE_ACCESS_TOKEN: 'env-token',
    });
    expect({ ...resolved.credentials, ...secretsOf(resolved.credentials) }).toEqual({
      kind: 'static',
      accessToken: 'env-token',
    });
  });

  it('are read by pingSession() called with no argument', () => {
    const saved = { ...process.env };
    Object.assign(process.env, env, { PINGONE_REGION: 'XX' });
    try {
      expect(() => pingSession()).toThrow(expect.objectContaining({ code: 'ERR_PINGONE_REGION' }));
    } finally {
      process.env = saved;
    }
  });
});

describe('the resolved options', () => {
  it('show no secret when serialized or printed', () => {
    const keySecret = 'cache-key-secret-do-not-print-0123456789';
    const resolved = resolveOptions({ ...valid, cache: { keySecret } }, {});
    const shown = JSON.stringify(resolved) + inspect(resolved, { depth: 10 });
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(keySecret);
    expect(resolved.cache && resolved.cache.keySecret).toBe(keySecret);
  });

  it('show no static access token when serialized or printed', () => {
    const resolved = resolveOptions(
      { environmentId: ENV_ID, accessToken: 'static-do-not-print' },
      {},
    );
    const shown = JSON.stringify(resolved) + inspect(resolved, { depth: 10 });
    expect(shown).not.toContain('static-do-not-print');
  });
});

describe('cache and logger', () => {
  it('turn the cache off with cache: false', () => {
    expect(resolveOptions({ ...valid, cache: false }, {}).cache).toBe(false);
  });

  it('take a shared store with the key secret every instance shares', () => {
    const store = new MemoryStore();
    const keySecret = 'x'.repeat(32);
    expect(resolveOptions({ ...valid, cache: { store, keySecret } }, {}).cache).toMatchObject({
      store,
      keySecret,
    });
  });

  it('silence the logger with logger: false', () => {
    const { logger } = resolveOptions({ ...valid, logger: false }, {});
    expect(logger).not.toBe(console);
    expect(() => logger.warn('x', { event: 'session_store_unavailable' })).not.toThrow();
  });
});

describe('credentials', () => {
  it('accept a function that returns an access token', () => {
    const accessToken = () => 'fresh';
    expect(resolveOptions({ environmentId: ENV_ID, accessToken }, {}).credentials).toEqual({
      kind: 'function',
      accessToken,
    });
  });

  it('take client_secret_post when asked', () => {
    const resolved = resolveOptions(
      { ...valid, tokenEndpointAuthMethod: 'client_secret_post' },
      {},
    );
    expect(resolved.credentials).toMatchObject({ authMethod: 'client_secret_post' });
  });
});

describe('misconfiguration throws a ConfigError that names the option and the fix', () => {
  it.each([
    ['no environment ID', { ...valid, environmentId: undefined }, 'ERR_PINGONE_ENVIRONMENT_ID'],
    [
      'an environment ID that is not a UUID',
      { ...valid, environmentId: '../admin' },
      'ERR_PINGONE_ENVIRONMENT_ID',
    ],
    ['an unknown region', { ...valid, region: 'MARS' }, 'ERR_PINGONE_REGION'],
    [
      'an apiPath that is not a URL',
      { ...valid, apiPath: 'api.pingone.com' },
      'ERR_PINGONE_API_PATH',
    ],
    [
      'a plain-http apiPath off this machine',
      { ...valid, apiPath: 'http://api.example.com/v1' },
      'ERR_PINGONE_API_PATH',
    ],
    [
      'an apiPath with a query',
      { ...valid, apiPath: 'https://api.example.com/v1?x=1' },
      'ERR_PINGONE_API_PATH',
    ],
    [
      'an apiPath with credentials in it',
      { ...valid, apiPath: 'https://u:p@api.example.com/v1' },
      'ERR_PINGONE_API_PATH',
    ],
    [
      'a plain-http authPath off this machine',
      { ...valid, authPath: 'http://auth.example.com' },
      'ERR_PINGONE_AUTH_PATH',
    ],
    ['no credentials at all', { environmentId: ENV_ID }, 'ERR_PINGONE_CREDENTIALS'],
    [
      'a client ID without its secret',
      { environmentId: ENV_ID, clientId: 'c' },
      'ERR_PINGONE_CREDENTIALS',
    ],
    [
      'an access token and client credentials',
      { ...valid, accessToken: 't' },
      'ERR_PINGONE_CREDENTIALS',
    ],
    [
      'an empty access token',
      { environmentId: ENV_ID, accessToken: ' ' },
      'ERR_PINGONE_CREDENTIALS',
    ],
    [
      'an unknown token endpoint auth method',
      { ...valid, tokenEndpointAuthMethod: 'private_key_jwt' },
      'ERR_PINGONE_TOKEN_ENDPOINT_AUTH_METHOD',
    ],
    ['a cookie name with a space', { ...valid, cookieName: 'S T' }, 'ERR_PINGONE_COOKIE_NAME'],
    [
      'a cookie domain with a path',
      { ...valid, cookieDomain: 'example.com/x' },
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
    ],
    [
      'a cookie path without a leading slash',
      { ...valid, cookiePath: 'app' },
      'ERR_PINGONE_COOKIE_ATTRIBUTES',
    ],
    ['a zero timeout', { ...valid, timeoutMs: 0 }, 'ERR_PINGONE_TIMEOUT_MS'],
    ['a fractional timeout', { ...valid, timeoutMs: 1.5 }, 'ERR_PINGONE_TIMEOUT_MS'],
    [
      'an unknown upstream error policy',
      { ...valid, onUpstreamError: 'ignore' },
      'ERR_PINGONE_ON_UPSTREAM_ERROR',
    ],
    [
      'a logout path without a leading slash',
      { ...valid, logout: { path: 'logout' } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'a logout returnTo on another site',
      { ...valid, logout: { returnTo: '//evil.example' } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'a logout returnTo with a scheme',
      { ...valid, logout: { returnTo: 'javascript:alert(1)' } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'a bad name in logout.clearCookies',
      { ...valid, logout: { clearCookies: ['a;b'] } },
      'ERR_PINGONE_COOKIE_NAME',
    ],
    [
      'logout.clearCookies that is not an array',
      { ...valid, logout: { clearCookies: 'sid' } },
      'ERR_PINGONE_LOGOUT',
    ],
    ['logout set to true', { ...valid, logout: true }, 'ERR_PINGONE_LOGOUT'],
    ['an unknown logout option', { ...valid, logout: { redirect: '/' } }, 'ERR_PINGONE_LOGOUT'],
    ['a misspelt option', { ...valid, enviromentId: ENV_ID }, 'ERR_PINGONE_UNKNOWN_OPTION'],
    ['cache set to true', { ...valid, cache: true }, 'ERR_PINGONE_CACHE'],
    ['an unknown cache option', { ...valid, cache: { ttl: 5 } }, 'ERR_PINGONE_CACHE'],
    ['a cache of no entries', { ...valid, cache: { max: 0 } }, 'ERR_PINGONE_CACHE'],
    ['a fractional cache.ttlMs', { ...valid, cache: { ttlMs: 1.5 } }, 'ERR_PINGONE_CACHE'],
    ['a cache.ttlMs over an hour', { ...valid, cache: { ttlMs: 3_600_001 } }, 'ERR_PINGONE_CACHE'],
    ['a negative cache.userTtlMs', { ...valid, cache: { userTtlMs: -1 } }, 'ERR_PINGONE_CACHE'],
    [
      'a negative cache.negativeTtlMs',
      { ...valid, cache: { negativeTtlMs: -1 } },
      'ERR_PINGONE_CACHE',
    ],
    [
      'a zero cache.storeTimeoutMs',
      { ...valid, cache: { storeTimeoutMs: 0 } },
      'ERR_PINGONE_CACHE',
    ],
    [
      'a cache.store without delete',
      { ...valid, cache: { store: { get() {}, set() {} } } },
      'ERR_PINGONE_CACHE',
    ],
    [
      'a shared cache.store without keySecret',
      { ...valid, cache: { store: { get() {}, set() {}, delete() {} } } },
      'ERR_PINGONE_CACHE',
    ],
    ['a short cache.keySecret', { ...valid, cache: { keySecret: 'short' } }, 'ERR_PINGONE_CACHE'],
    [
      'a read budget of no reads',
      { ...valid, cache: { pingOneReadsPerSecond: 0 } },
      'ERR_PINGONE_CACHE',
    ],
    [
      'cache.maxStaleMs without a read budget',
      { ...valid, cache: { maxStaleMs: 60_000 } },
      'ERR_PINGONE_CACHE',
    ],
    [
      'cache.maxStaleMs below ttlMs',
      { ...valid, cache: { ttlMs: 30_000, pingOneReadsPerSecond: 10, maxStaleMs: 10_000 } },
      'ERR_PINGONE_CACHE',
    ],
    ['a logger without info', { ...valid, logger: { warn() {} } }, 'ERR_PINGONE_LOGGER'],
    ['logger set to true', { ...valid, logger: true }, 'ERR_PINGONE_LOGGER'],
    ['a tiny maxTokenLength', { ...valid, maxTokenLength: 8 }, 'ERR_PINGONE_MAX_TOKEN_LENGTH'],
    [
      'an allowed origin with a path',
      { ...valid, logout: { allowedOrigins: ['https://app.example.com/page'] } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'an allowed origin that is not http(s)',
      { ...valid, logout: { allowedOrigins: ['javascript:alert(1)'] } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'allowedReturnTo that is not an array',
      { ...valid, logout: { allowedReturnTo: 'https://a.example' } },
      'ERR_PINGONE_LOGOUT',
    ],
    [
      'allowNoOrigin that is not a boolean',
      { ...valid, logout: { allowNoOrigin: 'yes' } },
      'ERR_PINGONE_LOGOUT',
    ],
    ['zero retry attempts', { ...valid, retry: { maxAttempts: 0 } }, 'ERR_PINGONE_RESILIENCE'],
    ['an unknown retry option', { ...valid, retry: { attempts: 3 } }, 'ERR_PINGONE_RESILIENCE'],
    ['retry set to true', { ...valid, retry: true }, 'ERR_PINGONE_RESILIENCE'],
    [
      'a fractional breaker minimum of calls',
      { ...valid, circuitBreaker: { minimumCalls: 2.5 } },
      'ERR_PINGONE_RESILIENCE',
    ],
    [
      'a breaker failure rate of 1',
      { ...valid, circuitBreaker: { failureRate: 1 } },
      'ERR_PINGONE_RESILIENCE',
    ],
    [
      'a breaker failure rate as a percentage',
      { ...valid, circuitBreaker: { failureRate: 50 } },
      'ERR_PINGONE_RESILIENCE',
    ],
    [
      'the count of failures in a row of earlier versions',
      { ...valid, circuitBreaker: { failureThreshold: 5 } },
      'ERR_PINGONE_RESILIENCE',
    ],
    ['no upstream concurrency', { ...valid, maxConcurrentUpstream: 0 }, 'ERR_PINGONE_RESILIENCE'],
    [
      'an unknown-token budget of nothing',
      { ...valid, unknownTokenBudget: { burst: 0 } },
      'ERR_PINGONE_RESILIENCE',
    ],
    ['a negativeMax of 0', { ...valid, cache: { negativeMax: 0 } }, 'ERR_PINGONE_CACHE'],
    ['a negative upstream queue', { ...valid, maxQueuedUpstream: -1 }, 'ERR_PINGONE_RESILIENCE'],
    ['a negative staleIfErrorMs', { ...valid, cache: { staleIfErrorMs: -1 } }, 'ERR_PINGONE_CACHE'],
  ])('for %s', (_case, options, code) => {
    const error = configErrorOf(options);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`[${code}]`);
  });

  it('tells how to make use of cache.maxStaleMs given without a read budget', () => {
    expect(configErrorOf({ ...valid, cache: { maxStaleMs: 60_000 } }).message).toContain(
      'set cache.pingOneReadsPerSecond too, or remove cache.maxStaleMs',
    );
  });

  it('never puts the cache key secret in the message', () => {
    const error = configErrorOf({ ...valid, cache: { keySecret: 'short-secret-do-not-print' } });
    expect(error.message).not.toContain('short-secret-do-not-print');
  });

  it('never puts a secret in the message', () => {
    const error = configErrorOf({ ...valid, accessToken: 'static-token-do-not-print' });
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('static-token-do-not-print');
  });

  it('names the environment variable beside the option', () => {
    expect(configErrorOf({ ...valid, environmentId: 'x' }).message).toContain(
      'PINGONE_ENVIRONMENT_ID',
    );
  });

  it('is thrown by pingSession() itself, at start-up', () => {
    expect(() => pingSession({ ...valid, timeoutMs: -1 })).toThrow(ConfigError);
  });
});

describe('start-up messages show the non-secret value received', () => {
  it('takes a region in any case', () => {
    expect(resolveOptions({ ...valid, region: 'eu' as 'EU' }, {}).apiPath).toBe(
      'https://api.pingone.eu/v1',
    );
    expect(resolveOptions({ ...valid, region: undefined }, { PINGONE_REGION: 'ca' }).authPath).toBe(
      'https://auth.pingone.ca',
    );
  });

  it('names an unknown region as received', () => {
    expect(configErrorOf({ ...valid, region: 'Mars' }).message).toContain('got "Mars"');
  });

  it('says when the environment ID has spaces around it', () => {
    const error = configErrorOf({ ...valid, environmentId: `${valid.environmentId} ` });
    expect(error.code).toBe('ERR_PINGONE_ENVIRONMENT_ID');
    expect(error.message).toContain('spaces or line breaks');
  });

  it('refuses an apiPath without /v1, showing it', () => {
    const error = configErrorOf({ ...valid, apiPath: 'https://api.pingone.eu' });
    expect(error.code).toBe('ERR_PINGONE_API_PATH');
    expect(error.message).toContain('got "https://api.pingone.eu"');
    expect(error.message).toContain('/v1');
  });

  it('never shows a secret it was given', () => {
    const error = configErrorOf({
      ...valid,
      clientSecret: 'the-secret-value',
      clientId: undefined,
    });
    expect(error.message).not.toContain('the-secret-value');
  });
});

describe('signIn', () => {
  const SIGN_IN_SECRET = 'sign-in-secret-do-not-print';

  it('is off by default', () => {
    expect(resolveOptions(valid, {}).signIn).toBe(false);
  });

  it('is on when PINGONE_SIGNIN_CLIENT_ID is set, with its defaults', () => {
    const resolved = resolveOptions(valid, {
      PINGONE_SIGNIN_CLIENT_ID: 'signin-app',
      PINGONE_SIGNIN_CLIENT_SECRET: SIGN_IN_SECRET,
      PINGONE_SIGNIN_MODE: 'redirectless',
    });
    expect(resolved.signIn).toMatchObject({
      mode: 'redirectless',
      clientId: 'signin-app',
      clientSecret: SIGN_IN_SECRET,
      authMethod: 'client_secret_basic',
      scope: 'openid',
      path: '/signin',
      returnTo: '/',
      allowNoOrigin: false,
    });
  });

  it('stays off with signIn: false whatever the environment says', () => {
    expect(
      resolveOptions({ ...valid, signIn: false }, { PINGONE_SIGNIN_CLIENT_ID: 'x' }).signIn,
    ).toBe(false);
  });

  it("authenticates with 'none' (PKCE only) when no secret is given", () => {
    const signIn = resolveOptions(
      { ...valid, signIn: { mode: 'redirectless', clientId: 'public-app' } },
      {},
    ).signIn;
    expect(signIn).toMatchObject({ authMethod: 'none', clientSecret: undefined });
  });

  it('keeps its client secret out of JSON and inspection', () => {
    const resolved = resolveOptions(
      { ...valid, signIn: { mode: 'redirectless', clientId: 'app', clientSecret: SIGN_IN_SECRET } },
      {},
    );
    expect(JSON.stringify(resolved)).not.toContain(SIGN_IN_SECRET);
    expect(inspect(resolved, { depth: 5 })).not.toContain(SIGN_IN_SECRET);
  });

  it.each([
    ['no clientId', { signIn: {} }],
    ['an empty clientSecret', { signIn: { clientId: 'a', clientSecret: '' } }],
    [
      "'none' with a secret",
      { signIn: { clientId: 'a', clientSecret: 's', tokenEndpointAuthMethod: 'none' } },
    ],
    [
      'client_secret_post without a secret',
      { signIn: { clientId: 'a', tokenEndpointAuthMethod: 'client_secret_post' } },
    ],
    ['a scope without openid', { signIn: { clientId: 'a', scope: 'profile' } }],
    ['a path that is not on this site', { signIn: { clientId: 'a', path: '//evil' } }],
    ['a returnTo on another site', { signIn: { clientId: 'a', returnTo: 'https://evil' } }],
    ['a redirectUri that is no URL', { signIn: { clientId: 'a', redirectUri: 'callback' } }],
    ['an unknown option', { signIn: { clientId: 'a', clientID: 'b' } }],
    ['an origin with a path', { signIn: { clientId: 'a', allowedOrigins: ['https://a.test/x'] } }],
    ['an unknown mode', { signIn: { clientId: 'a', mode: 'popup' } }],
  ])('throws ERR_PINGONE_SIGN_IN for %s', (_case, options) => {
    const error = configErrorOf({
      ...valid,
      signIn: { mode: 'redirectless', ...(options.signIn as object) },
    });
    expect(error.code).toBe('ERR_PINGONE_SIGN_IN');
  });
});

describe('signIn in hosted mode', () => {
  const COOKIE_SECRET = 'a-cookie-secret-of-thirty-two-chars!';
  const hosted = (signIn: object, env: Record<string, string> = {}, cache?: object) =>
    resolveOptions(
      {
        ...valid,
        signIn: { clientId: 'app', clientSecret: 's', ...signIn },
        ...(cache && { cache }),
      },
      env,
    ).signIn;

  it("is the default mode, with the callback at redirectUri's path", () => {
    const signIn = hosted({
      redirectUri: 'https://app.example.com/auth/callback',
      cookieSecret: COOKIE_SECRET,
    });
    expect(signIn).toMatchObject({
      mode: 'hosted',
      hosted: {
        redirectUri: 'https://app.example.com/auth/callback',
        callbackPath: '/auth/callback',
        secure: true,
      },
    });
  });

  it('takes mode, redirectUri and cookie secrets from the environment', () => {
    const signIn = hosted(
      {},
      {
        PINGONE_SIGNIN_MODE: 'hosted',
        PINGONE_SIGNIN_REDIRECT_URI: 'http://localhost:3000/cb',
        PINGONE_SIGNIN_COOKIE_SECRET: `${COOKIE_SECRET} ${COOKIE_SECRET}-old`,
      },
    );
    expect(signIn && signIn.hosted).toMatchObject({ callbackPath: '/cb', secure: false });
    expect(signIn && signIn.hosted!.cookieSecrets).toEqual([COOKIE_SECRET, `${COOKIE_SECRET}-old`]);
  });

  it('derives its cookie secret from cache.keySecret when given none', () => {
    const keySecret = 'k'.repeat(32);
    const signIn = hosted({ redirectUri: 'https://app.example.com/cb' }, {}, { keySecret });
    expect(signIn && signIn.hosted!.cookieSecrets).toEqual([keySecret]);
  });

  it('keeps its cookie secrets out of JSON and inspection', () => {
    const resolved = resolveOptions(
      {
        ...valid,
        signIn: { clientId: 'app', redirectUri: 'https://a.test/cb', cookieSecret: COOKIE_SECRET },
      },
      {},
    );
    expect(JSON.stringify(resolved)).not.toContain(COOKIE_SECRET);
    expect(inspect(resolved, { depth: 5 })).not.toContain(COOKIE_SECRET);
  });

  it('names redirectUri and the redirectless alternative when redirectUri is missing', () => {
    const error = configErrorOf({
      ...valid,
      signIn: { clientId: 'a', cookieSecret: COOKIE_SECRET },
    });
    expect(error.code).toBe('ERR_PINGONE_SIGN_IN');
    expect(error.message).toContain('signIn.redirectUri (or PINGONE_SIGNIN_REDIRECT_URI)');
    expect(error.message).toContain('PINGONE_SIGNIN_MODE=redirectless');
  });

  it('names cookieSecret and how to make one when there is no secret at all', () => {
    const error = configErrorOf({
      ...valid,
      signIn: { clientId: 'a', redirectUri: 'https://a.test/cb' },
    });
    expect(error.message).toContain('signIn.cookieSecret (or PINGONE_SIGNIN_COOKIE_SECRET)');
    expect(error.message).toContain('openssl rand -base64 32');
  });

  it.each([
    ['a plain-http redirectUri off this machine', { redirectUri: 'http://app.example.com/cb' }],
    ['a redirectUri with a query', { redirectUri: 'https://a.test/cb?x=1' }],
    ['a redirectUri on signIn.path', { redirectUri: 'https://a.test/signin' }],
    ['a short cookie secret', { cookieSecret: 'short' }],
    ['an empty list of cookie secrets', { cookieSecret: [] }],
    ['a postLogoutRedirectUri that is no URL', { postLogoutRedirectUri: 'bye' }],
    ['stepUpAcrValues with a line break', { stepUpAcrValues: 'a\nb' }],
  ])('throws ERR_PINGONE_SIGN_IN for %s, never showing a secret', (_case, signIn) => {
    const error = configErrorOf({
      ...valid,
      signIn: {
        clientId: 'a',
        redirectUri: 'https://a.test/cb',
        cookieSecret: COOKIE_SECRET,
        ...signIn,
      },
    });
    expect(error.code).toBe('ERR_PINGONE_SIGN_IN');
    expect(error.message).not.toContain('short');
  });

  it('throws at start-up for a shared store that cannot keep sign-in flows', () => {
    const store = { get: () => undefined, set: () => {}, delete: () => {} };
    expect(() =>
      pingSession({
        ...valid,
        signIn: { mode: 'redirectless', clientId: 'a' },
        cache: { store, keySecret: 'k'.repeat(32) },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_PINGONE_SIGN_IN' }));
  });
});
