import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PingOneError, type PingSessionOptions } from '../../src';
import { createPingOneClient } from '../../src/client/pingone-client';
import { resolveOptions } from '../../src/middleware/resolve-options';
import { startEmulator, type Emulator } from '../../src/emulator';
import { sessionJson } from '../helpers/session-json';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server';
import { frozenClock } from '../helpers/wait';

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.close());

const clientFor = (overrides: PingSessionOptions = {}) =>
  createPingOneClient(resolveOptions({ ...emulator.options(), logger: false, ...overrides }, {}));
const sessionCalls = () => emulator.requests.filter((r) => r.url.endsWith('/sessions/me'));
const tokenCalls = () => emulator.requests.filter((r) => r.url.endsWith('/as/token'));

/** A client with a static access token against `upstream` instead of the emulator. */
const staticClient = (upstream: UpstreamServer, timeoutMs = 5000) =>
  clientFor({
    apiPath: `${upstream.url}/v1`,
    clientId: undefined,
    clientSecret: undefined,
    accessToken: 'static-access-token',
    timeoutMs,
  });

/** A real server that answers every request with `status` and a PingOne error body. */
const pingOneErrorServer = (status: number, body: object) =>
  startUpstreamServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });

let upstream: UpstreamServer | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

/** Header names any HTTP client adds for the connection itself, not taken from the browser. */
const TRANSPORT_HEADERS = ['host', 'connection', 'accept-encoding', 'user-agent'];

describe('the read call', () => {
  it('sends GET sessions/me with exactly a bearer token, Cookie ST=<token> and Accept JSON', async () => {
    const { token } = emulator.createSession();
    await clientFor().readSession(token);

    const [read] = sessionCalls();
    expect(read?.method).toBe('GET');
    expect(read?.url).toBe(`/v1/environments/${emulator.environmentId}/sessions/me`);
    expect(read?.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(read?.headers.cookie).toBe(`ST=${token}`);
    expect(read?.headers.accept).toBe('application/json');
    expect(read?.body).toBe('');
    expect(Object.keys(read!.headers).sort()).toEqual(
      ['accept', 'authorization', 'cookie', ...TRANSPORT_HEADERS].sort(),
    );
  });

  it('returns the session PingOne holds for the token', async () => {
    const { token, session } = emulator.createSession({ user: 'grace' });
    expect(await clientFor().readSession(token)).toEqual(session);
  });

  it('returns null for a token PingOne does not know', async () => {
    expect(await clientFor().readSession('unknown-token')).toBeNull();
  });

  it('treats a 400 from PingOne as no session', async () => {
    upstream = await pingOneErrorServer(400, { id: 'e1', code: 'INVALID_DATA', message: 'bad' });
    expect(await staticClient(upstream).readSession('some-token')).toBeNull();
  });
});

describe('the reset call', () => {
  it('sends POST sessions/me with the logout Content-Type, Cookie ST=<token>, a bearer token and an empty body', async () => {
    const { token } = emulator.createSession();
    await clientFor().resetSession(token);

    const [reset] = sessionCalls();
    expect(reset?.method).toBe('POST');
    expect(reset?.url).toBe(`/v1/environments/${emulator.environmentId}/sessions/me`);
    expect(reset?.headers['content-type']).toBe('application/vnd.pingidentity.sso.session.logout');
    expect(reset?.headers.cookie).toBe(`ST=${token}`);
    expect(reset?.headers.authorization).toMatch(/^Bearer \S+$/);
    expect(reset?.headers['content-length']).toBe('0');
    expect(reset?.body).toBe('');
    expect(Object.keys(reset!.headers).sort()).toEqual(
      ['authorization', 'content-length', 'content-type', 'cookie', ...TRANSPORT_HEADERS].sort(),
    );
    expect(emulator.sessionState(token)).toBe('reset');
  });

  it('resolves when PingOne has no such session (404)', async () => {
    await expect(clientFor().resetSession('unknown-token')).resolves.toBeUndefined();
  });

  it('rejects with a PingOneError carrying PingOne status, code and id', async () => {
    upstream = await pingOneErrorServer(500, { id: 'err-42', code: 'UNEXPECTED_ERROR' });
    await expect(staticClient(upstream).resetSession('tok')).rejects.toMatchObject({
      name: 'PingOneError',
      status: 500,
      code: 'UNEXPECTED_ERROR',
      id: 'err-42',
    });
  });
});

describe('access tokens from client credentials', () => {
  it('are requested with HTTP Basic by default', async () => {
    await clientFor().readSession('t');
    const [call] = tokenCalls();
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe(`/${emulator.environmentId}/as/token`);
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.body).toBe('grant_type=client_credentials');
    const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString('base64');
    expect(call?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it("are asked of the worker's own environment when workerEnvironmentId names another", async () => {
    const administrators = '3b0d1c2a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    await emulator.close();
    emulator = await startEmulator({ workerEnvironmentId: administrators });
    const { token, session } = emulator.createSession();
    const read = await clientFor({ workerEnvironmentId: administrators }).readSession(token);
    expect(read?.id).toBe(session.id);
    expect(tokenCalls()[0]?.url).toBe(`/${administrators}/as/token`);
    expect(sessionCalls()[0]?.url).toContain(`/environments/${emulator.environmentId}/sessions/me`);
  });

  it('are requested with the secret in the body for client_secret_post', async () => {
    await clientFor({ tokenEndpointAuthMethod: 'client_secret_post' }).readSession('t');
    const [call] = tokenCalls();
    expect(call?.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(call?.body)).toEqual(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      }),
    );
  });

  it('are reused until shortly before they expire', async () => {
    const client = clientFor();
    await Promise.all([client.readSession('a'), client.readSession('b')]);
    await client.readSession('c');
    expect(tokenCalls()).toHaveLength(1);
    expect(sessionCalls()).toHaveLength(3);
  });

  it('are requested anew before expires_in runs out, without a refused call', async () => {
    const clock = frozenClock();
    try {
      const client = clientFor();
      await client.readSession('a');
      clock.advance(3600_000 - 30_000);
      await client.readSession('b');
      expect(tokenCalls()).toHaveLength(2);
      expect(sessionCalls().map((c) => c.headers.authorization)).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it.each([0, -5, '3600', null])(
    'are reused for an hour, with a warning, when expires_in is %p',
    async (expiresIn) => {
      upstream = await startUpstreamServer((req, res) => {
        res.writeHead(req.url!.endsWith('/as/token') ? 200 : 404, {
          'Content-Type': 'application/json',
        });
        res.end(
          JSON.stringify(
            req.url!.endsWith('/as/token')
              ? { access_token: 'worker-token', token_type: 'Bearer', expires_in: expiresIn }
              : { id: 'e', code: 'NOT_FOUND' },
          ),
        );
      });
      const warnings: unknown[] = [];
      const client = clientFor({
        apiPath: `${upstream.url}/v1`,
        authPath: upstream.url,
        logger: { warn: (_m, details) => warnings.push(details), info: () => {} },
      });
      for (const token of ['a', 'b', 'c', 'd', 'e']) await client.readSession(token);
      // One token request, then five session reads with it.
      expect(upstream.count()).toBe(6);
      expect(warnings).toEqual([
        {
          event: 'pingone_token_lifetime_invalid',
          expiresIn: typeof expiresIn === 'number' ? expiresIn : typeof expiresIn,
        },
      ]);
    },
  );

  it('are renewed once when PingOne refuses them, and the call is retried', async () => {
    const { token, session } = emulator.createSession();
    const client = clientFor();
    await client.readSession(token);
    emulator.revokeAccessTokens();

    expect(await client.readSession(token)).toEqual(session);
    expect(tokenCalls()).toHaveLength(2);
    expect(sessionCalls().map((c) => c.headers.authorization)).toHaveLength(3);
  });

  it('fail with invalid_client, logged as a misconfiguration, with no secret in error or log', async () => {
    const lines: string[] = [];
    const log = (message: string, details: object) =>
      void lines.push(`${message} ${JSON.stringify(details)}`);
    const client = clientFor({
      clientSecret: 'wrong-secret-value',
      logger: { error: log, warn: log, info: log },
    });
    const error = await client.readSession('t').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PingOneError);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_client',
      misconfiguration: 'credentials',
    });
    expect(lines).toEqual([expect.stringContaining('"cause":"credentials"')]);
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${lines.join('\n')}`;
    expect(text).not.toContain('wrong-secret-value');
  });
});

describe('a static access token', () => {
  it('is sent as given', async () => {
    const accessToken = emulator.issueAccessToken();
    await clientFor({ clientId: undefined, clientSecret: undefined, accessToken }).readSession('t');
    expect(sessionCalls()[0]?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('is not retried when refused, since it cannot change', async () => {
    const client = clientFor({
      clientId: undefined,
      clientSecret: undefined,
      accessToken: 'revoked',
    });
    await expect(client.readSession('t')).rejects.toMatchObject({
      status: 401,
      code: 'ACCESS_FAILED',
      details: [expect.objectContaining({ code: 'INVALID_TOKEN' })],
    });
    expect(sessionCalls()).toHaveLength(1);
  });
});

describe('an access token function', () => {
  it('is asked again when PingOne refuses its token, and the call is retried once', async () => {
    const { token, session } = emulator.createSession();
    const given = ['stale-token', emulator.issueAccessToken()];
    const accessToken = jest.fn(() => given.shift() ?? 'none-left');
    const client = clientFor({ clientId: undefined, clientSecret: undefined, accessToken });

    expect(await client.readSession(token)).toEqual(session);
    expect(accessToken).toHaveBeenCalledTimes(2);
    expect(sessionCalls()).toHaveLength(2);
  });
});

describe('an access token function that gives no usable token', () => {
  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['a line break and a header', 'a-token\r\nX-Injected: 1'],
    ['a number', 42],
  ])('(%s) is a set-up error, and nothing reaches PingOne', async (_case, given) => {
    const { token } = emulator.createSession();
    const accessToken = (() => given) as unknown as () => string;
    const client = clientFor({ clientId: undefined, clientSecret: undefined, accessToken });
    await expect(client.readSession(token)).rejects.toMatchObject({
      name: 'PingOneError',
      code: 'ERR_PINGONE_ACCESS_TOKEN',
      misconfiguration: 'access_token_function',
    });
    expect(sessionCalls()).toHaveLength(0);
  });
});

describe('failures without an answer from PingOne', () => {
  it('time out after timeoutMs with ERR_PINGONE_TIMEOUT', async () => {
    upstream = await startUpstreamServer(() => undefined);
    const started = Date.now();
    await expect(staticClient(upstream, 200).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('report a refused connection as ERR_PINGONE_CONNECT', async () => {
    upstream = await startUpstreamServer(() => undefined);
    await upstream.close();
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_CONNECT',
    });
  });

  it('report a connection reset before an answer as ERR_PINGONE_NETWORK', async () => {
    upstream = await startUpstreamServer((req) => req.socket.destroy());
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_NETWORK',
    });
  });

  it('report an HTML page with status 200 as ERR_PINGONE_BAD_RESPONSE', async () => {
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_BAD_RESPONSE',
      status: 200,
    });
  });

  it('report a JSON answer without a session id as ERR_PINGONE_BAD_RESPONSE', async () => {
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"user":{"id":"u"}}');
    });
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_BAD_RESPONSE',
    });
  });

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  it.each<[string, (environmentId: string) => object]>([
    ['a bare id and user id', () => ({ id: 's', user: { id: 'u' } })],
    [
      'a session whose expiresAt has passed',
      (env) => sessionJson(env, { activeAt: ago(3_600_000), expiresAt: ago(1000) }),
    ],
    ['a session of another environment', () => sessionJson('6c8e1e1d-3f0e-4c86-9a60-0d4a4b3e9d21')],
    ['a session without activeAt', (env) => sessionJson(env, { activeAt: undefined })],
    ['a session whose expiresAt does not parse', (env) => sessionJson(env, { expiresAt: 'soon' })],
    ['a session with an empty user id', (env) => sessionJson(env, { user: { id: '' } })],
    [
      'an idle timeout given as a string',
      (env) => sessionJson(env, { idleTimeoutInMinutes: '30' }),
    ],
    ['a browser given as a string', (env) => sessionJson(env, { browser: 'Firefox' })],
    ['locations that are not a list', (env) => sessionJson(env, { locations: { at: ago(0) } })],
  ])('report %s as ERR_PINGONE_BAD_RESPONSE', async (_case, answer) => {
    const body = JSON.stringify(answer(emulator.environmentId));
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_BAD_RESPONSE',
    });
  });

  it('report a session served as text/html as ERR_PINGONE_BAD_RESPONSE', async () => {
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(JSON.stringify(sessionJson(emulator.environmentId)));
    });
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_BAD_RESPONSE',
    });
  });

  it.each([
    ['every field, as application/hal+json', 'application/hal+json', {}],
    [
      'only the fields a session cannot be without',
      'application/json; charset=UTF-8',
      {
        _links: undefined,
        userAgent: undefined,
        browser: undefined,
        operatingSystem: undefined,
        device: undefined,
        locations: undefined,
        lastSignOn: undefined,
      },
    ],
  ])('take a session with %s', async (_case, type, overrides) => {
    const body = sessionJson(emulator.environmentId, overrides);
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': type });
      res.end(JSON.stringify(body));
    });
    await expect(staticClient(upstream).readSession('t')).resolves.toEqual(body);
  });

  it('report an error status without a PingOne body as ERR_PINGONE_HTTP_STATUS', async () => {
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(502);
      res.end('Bad gateway');
    });
    await expect(staticClient(upstream).readSession('t')).rejects.toMatchObject({
      code: 'ERR_PINGONE_HTTP_STATUS',
      status: 502,
    });
  });

  it('never carry the session or access token in the error', async () => {
    upstream = await startUpstreamServer(() => undefined);
    const error = (await staticClient(upstream, 100)
      .readSession('session-token-secret')
      .catch((e: unknown) => e)) as Error;
    const text = `${error.message} ${error.stack} ${JSON.stringify(error)} ${inspect(error)}`;
    expect(text).not.toContain('session-token-secret');
    expect(text).not.toContain('static-access-token');
  });

  it('never show the access token or client secret in the client object', async () => {
    const client = clientFor();
    await client.readSession(emulator.createSession().token);
    const text = `${JSON.stringify(client)} ${inspect(client, { depth: 10, showHidden: true })}`;
    for (const secret of emulator.secrets()) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("PingOne's answers", () => {
  it('take a reset session PingOne still reads, for no one, as no session rather than an outage', async () => {
    await emulator.close();
    emulator = await startEmulator({ resetReads: 'anonymous' });
    const { token } = emulator.createSession();
    emulator.resetSession(token);
    const worker = await fetch(`${emulator.authPath}/${emulator.environmentId}/as/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      }),
    });
    const bearer = ((await worker.json()) as { access_token: string }).access_token;
    const raw = await fetch(
      `${emulator.apiPath}/environments/${emulator.environmentId}/sessions/me`,
      {
        headers: { Authorization: `Bearer ${bearer}`, Cookie: `ST=${token}` },
      },
    );
    expect([raw.status, ((await raw.json()) as { user?: unknown }).user]).toEqual([200, undefined]);
    await expect(clientFor().readSession(token)).resolves.toBeNull();
  });

  it('are cut off past 64 KiB decompressed: a gzip bomb is a bad response, not retried', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(bomb);
    });
    const before = process.memoryUsage().rss;
    const error = await staticClient(upstream)
      .readSession('a')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PingOneError);
    expect((error as PingOneError).code).toBe('ERR_PINGONE_BAD_RESPONSE');
    expect(upstream.count()).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('are cut off past 64 KiB plain: a padded session is never taken', async () => {
    const padded = JSON.stringify(
      sessionJson(emulator.environmentId, { padding: 'x'.repeat(70_000) }),
    );
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(padded);
    });
    const error = await staticClient(upstream)
      .readSession('a')
      .catch((e: unknown) => e);
    expect((error as PingOneError).code).toBe('ERR_PINGONE_BAD_RESPONSE');
  });
});
