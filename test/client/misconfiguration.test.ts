import express from 'express';
import request from 'supertest';
import {
  ConfigError,
  pingSession,
  requireSession,
  type LogDetails,
  type PingSessionMiddleware,
  type PingSessionOptions,
} from '../../src';
import { MISCONFIGURATION_FIXES } from '../../src/client/misconfiguration';
import { startEmulator, type Emulator } from '../../src/emulator';
import { pingSessionMetrics } from '../../src/metrics';
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
    'an access token PingOne refuses',
    'access_token',
    async () => ({ clientId: undefined, clientSecret: undefined, accessToken: 'of-another-env' }),
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
      message: expect.stringContaining('ERR_PINGONE_CONNECT'),
    });
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
