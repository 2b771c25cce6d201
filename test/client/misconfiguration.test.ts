import express from 'express';
import request from 'supertest';
import {
  ConfigError,
  pingSession,
  requireSession,
  type LogDetails,
  type PingSessionMiddleware,
  type PingSessionOptions,
  type SignInOptions,
} from '../../src';
import { MISCONFIGURATION_FIXES } from '../../src/core/misconfiguration';
import { startEmulator, type Emulator } from '../../src/emulator';
import { pingSessionMetrics } from '../../src/metrics';
import { sentSecrets } from '../helpers/captured-output';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server';

let emulator: Emulator;
let upstream: UpstreamServer | undefined;
let lines: { level: string; message: string; details: LogDetails }[];
beforeEach(async () => {
  emulator = await startEmulator();
  lines = [];
});
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
  await emulator.close();
});

const logger = {
  error: (message: string, details: LogDetails) =>
    void lines.push({ level: 'error', message, details }),
  warn: (message: string, details: LogDetails) =>
    void lines.push({ level: 'warn', message, details }),
  info: (message: string, details: LogDetails) =>
    void lines.push({ level: 'info', message, details }),
};

function appWith(options: PingSessionOptions) {
  const middleware = pingSession({
    ...emulator.options(),
    logger,
    retry: false,
    ...options,
  });
  const app = express();
  app.use(middleware);
  app.get('/', (req, res) => res.json(req.pingSessionStatus ?? null));
  app.get('/private', requireSession({ loginUrl: '/login' }), (_req, res) => res.end());
  return { app, middleware };
}

const cases: [string, string, () => Promise<PingSessionOptions>][] = [
  ['a wrong client secret', 'credentials', async () => ({ clientSecret: 'not-the-secret' })],
  [
    'an environment ID of another environment',
    'environment',
    async () => ({ environmentId: '6c8e1e1d-3f0e-4c86-9a60-0d4a4b3e9d21' }),
  ],
  [
    'a worker application without a role that reads sessions',
    'worker_role',
    async () => {
      emulator.addFault({ status: 403 });
      return {};
    },
  ],
  [
    'an apiPath at a server that is not PingOne',
    'api_path',
    async () => {
      upstream = await startUpstreamServer((_req, res) => {
        res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
      });
      return { apiPath: `${upstream.url}/v1` };
    },
  ],
  [
    "an apiPath on PingOne's host with a wrong path",
    'api_path',
    async () => ({ apiPath: `${emulator.url}/api/v1` }),
  ],
  [
    'an access token PingOne refuses',
    'access_token',
    async () => ({ clientId: undefined, clientSecret: undefined, accessToken: 'of-another-env' }),
  ],
  [
    'an accessToken function that returns nothing',
    'access_token_function',
    async () => ({
      clientId: undefined,
      clientSecret: undefined,
      accessToken: (() => undefined) as unknown as () => string,
    }),
  ],
];

describe.each(cases)('%s', (_case, cause, setUp) => {
  it('leaves public pages working, saying the session cannot be checked', async () => {
    const { app } = appWith(await setUp());
    const res = await request(app).get('/').set('Cookie', 'ST=some-token');
    expect([res.status, res.body]).toEqual([200, 'unavailable']);
  });

  it('closes protected pages with 503, never 401 nor a sign-in redirect', async () => {
    const { app } = appWith(await setUp());
    const res = await request(app)
      .get('/private')
      .set('Cookie', 'ST=some-token')
      .set('Sec-Fetch-Mode', 'navigate');
    expect(res.status).toBe(503);
    expect(res.headers.location).toBeUndefined();
  });

  it('is logged once, at error level, naming the cause and the fix', async () => {
    const { app } = appWith(await setUp());
    for (let i = 0; i < 5; i += 1) await request(app).get('/').set('Cookie', `ST=token-${i}`);
    const reported = lines.filter((line) => line.details.event === 'pingone_misconfigured');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({
      level: 'error',
      message: MISCONFIGURATION_FIXES[cause as keyof typeof MISCONFIGURATION_FIXES],
      details: { cause },
    });
  });

  it('is counted in the misconfigurations metric, every time', async () => {
    const metrics = pingSessionMetrics();
    try {
      const { app } = appWith(await setUp());
      for (let i = 0; i < 3; i += 1) await request(app).get('/').set('Cookie', `ST=token-${i}`);
      const counter = await metrics.registry
        .getSingleMetric('pingone_session_misconfigurations_total')!
        .get();
      expect(counter.values).toEqual([expect.objectContaining({ labels: { cause }, value: 3 })]);
    } finally {
      metrics.close();
    }
  });

  it('makes ready() reject with a ConfigError that says the fix', async () => {
    const { middleware } = appWith(await setUp());
    const error = await middleware.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'ERR_PINGONE_NOT_READY' });
    expect((error as Error).message).toContain(
      MISCONFIGURATION_FIXES[cause as keyof typeof MISCONFIGURATION_FIXES],
    );
  });
});

describe('ready()', () => {
  it('resolves when PingOne answers a made-up token with its documented 404', async () => {
    const { middleware } = appWith({});
    await expect(middleware.ready()).resolves.toBeUndefined();
  });

  it('probes with a random UUID, the shape of the session tokens PingOne documents', async () => {
    await appWith({}).middleware.ready();
    const probe = emulator.requests.find((r) => r.url.endsWith('/sessions/me'))!;
    expect(probe.headers.cookie).toMatch(
      /^ST=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('resolves when PingOne answers the probe with a 400 validation answer instead', async () => {
    emulator.addFault({ on: 'reads', status: 400 });
    const { middleware } = appWith({});
    await expect(middleware.ready()).resolves.toBeUndefined();
  });

  it('rejects naming authPath when the token host cannot be reached', async () => {
    upstream = await startUpstreamServer(() => undefined);
    const url = upstream.url;
    await upstream.close();
    upstream = undefined;
    const { middleware } = appWith({ authPath: url });
    const error = (await middleware.ready().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_PINGONE_NOT_READY' });
    expect(error.message).toContain('ERR_PINGONE_CONNECT');
    expect(error.message).toContain('check authPath (PINGONE_AUTH_PATH)');
    expect(error.message).not.toContain('apiPath');
  });

  it('rejects, saying PingOne did not answer, when PingOne cannot be reached', async () => {
    upstream = await startUpstreamServer(() => undefined);
    const url = upstream.url;
    await upstream.close();
    upstream = undefined;
    const { middleware }: { middleware: PingSessionMiddleware } = appWith({
      apiPath: `${url}/v1`,
      clientId: undefined,
      clientSecret: undefined,
      accessToken: 'static',
    });
    await expect(middleware.ready()).rejects.toMatchObject({
      code: 'ERR_PINGONE_NOT_READY',
      message: expect.stringContaining('check apiPath (PINGONE_API_PATH)'),
    });
  });
});

describe('ready() with signIn', () => {
  const signInWith = (signIn: Partial<SignInOptions>) =>
    appWith({ signIn: { ...emulator.options({ signIn: 'redirectless' }).signIn, ...signIn } })
      .middleware;

  it('resolves when PingOne knows the sign-in client and refuses only the made-up code', async () => {
    await expect(signInWith({}).ready()).resolves.toBeUndefined();
    const token = emulator.requests.filter((r) => r.url.endsWith('/as/token')).at(-1)!;
    expect(new URLSearchParams(token.body).get('grant_type')).toBe('authorization_code');
  });

  it.each([
    [
      'an unknown sign-in client ID',
      { clientId: '6a0cbc05-0000-4000-8000-000000000000' },
      'signin_client',
    ],
    [
      'a wrong sign-in client secret',
      { clientSecret: 'not-the-signin-secret' },
      'signin_credentials',
    ],
  ] as const)('rejects %s with the fix', async (_case, signIn, cause) => {
    sentSecrets.push('not-the-signin-secret');
    const error = (await signInWith(signIn)
      .ready()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(MISCONFIGURATION_FIXES[cause]);
    expect(error.message).not.toContain('not-the-signin-secret');
  });

  it('rejects a wrong sign-in secret sent as tokenEndpointAuthMethod client_secret_post too', async () => {
    const error = await signInWith({
      clientSecret: 'not-the-signin-secret',
      tokenEndpointAuthMethod: 'client_secret_post',
    })
      .ready()
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(MISCONFIGURATION_FIXES.signin_credentials);
  });

  it('rejects a DaVinci flow policy on the sign-in application with the fix', async () => {
    await emulator.close();
    emulator = await startEmulator({ signInPolicy: 'davinci' });
    const error = (await signInWith({})
      .ready()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(MISCONFIGURATION_FIXES.signin_policy);
  });

  it('starts no sign-in when the worker is set up wrong: that is said first', async () => {
    const error = (await appWith({
      clientSecret: 'not-the-secret',
      signIn: {
        ...emulator.options({ signIn: 'redirectless' }).signIn,
      },
    })
      .middleware.ready()
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(MISCONFIGURATION_FIXES.credentials);
    expect(emulator.requests.some((r) => r.url.includes('/as/authorize'))).toBe(false);
  });
});

describe('a misconfiguration that lasts', () => {
  it('opens the breaker: calls stop hammering PingOne', async () => {
    emulator.addFault({ status: 403 });
    const { app } = appWith({ circuitBreaker: { minimumCalls: 3, cooldownMs: 60_000 } });
    for (let i = 0; i < 8; i += 1) await request(app).get('/').set('Cookie', `ST=token-${i}`);
    expect(lines.some((line) => line.details.event === 'pingone_circuit_open')).toBe(true);
    expect(emulator.counts().sessionReads).toBeLessThan(8);
  });
});
