import request from 'supertest';
import { DEMO_USERS, startEmulator, type Emulator } from '../../src/emulator';

let emulator: Emulator;
let now: number;
beforeEach(async () => {
  now = Date.parse('2026-03-01T12:00:00Z');
  emulator = await startEmulator({ now: () => now, idleTimeoutInMinutes: 60 });
});
afterEach(() => emulator.close());

const sessionsMe = () => `/v1/environments/${emulator.environmentId}/sessions/me`;
const tokenPath = () => `/${emulator.environmentId}/as/token`;
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('the token endpoint', () => {
  it('issues a Bearer token for client_secret_basic', async () => {
    const res = await request(emulator.url)
      .post(tokenPath())
      .set('Authorization', basic(emulator.clientId, emulator.clientSecret))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  it('issues a Bearer token for client_secret_post', async () => {
    const res = await request(emulator.url).post(tokenPath()).type('form').send({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
    });
    expect(res.status).toBe(200);
  });

  it('answers 401 invalid_client to a wrong secret', async () => {
    const res = await request(emulator.url)
      .post(tokenPath())
      .set('Authorization', basic(emulator.clientId, 'wrong'))
      .type('form')
      .send('grant_type=client_credentials');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 400 unsupported_grant_type to other grants', async () => {
    const res = await request(emulator.url)
      .post(tokenPath())
      .set('Authorization', basic(emulator.clientId, emulator.clientSecret))
      .type('form')
      .send('grant_type=password');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('GET sessions/me', () => {
  it('returns the session for its token, shaped like the reference example', async () => {
    const { token } = emulator.createSession({ user: 'ada', remoteIp: '198.51.100.7' });
    const res = await request(emulator.url)
      .get(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
      .set('Cookie', `ST=${token}`);
    expect(res.status).toBe(200);
    const env = `${emulator.apiPath}/environments/${emulator.environmentId}`;
    expect(res.body).toEqual({
      _links: {
        self: { href: `${env}/sessions/${res.body.id}` },
        environment: { href: env },
        user: { href: `${env}/users/${DEMO_USERS[0]!.id}` },
      },
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      environment: { id: emulator.environmentId },
      user: { id: DEMO_USERS[0]!.id },
      createdAt: '2026-03-01T12:00:00.000Z',
      activeAt: '2026-03-01T12:00:00.000Z',
      idleTimeoutInMinutes: 60,
      userAgent: expect.stringContaining('Firefox/103.0'),
      browser: { name: 'Firefox', version: '103.0' },
      operatingSystem: { name: 'Mac OS X', version: '10.15' },
      device: { type: 'Mac' },
      locations: [
        {
          at: '2026-03-01T12:00:00.000Z',
          remoteIp: '198.51.100.7',
          city: 'london',
          state: 'england',
          region: 'europe',
          country: 'united kingdom',
        },
      ],
      lastSignOn: {
        remoteIp: '198.51.100.7',
        authenticators: ['pwd'],
        withAuthenticator: {
          pwd: {
            policy: { id: expect.any(String), type: 'PINGONE' },
            at: '2026-03-01T12:00:00.000Z',
          },
        },
        policy: { id: expect.any(String), type: 'PINGONE' },
        at: '2026-03-01T12:00:00.000Z',
      },
      expiresAt: '2026-03-01T13:00:00.000Z',
    });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a bearer token it never issued', 'Bearer made-up'],
    ['a Basic header', 'Basic abc'],
  ])('answers 401 ACCESS_FAILED / INVALID_TOKEN to %s', async (_case, authorization) => {
    const { token } = emulator.createSession();
    const req = request(emulator.url).get(sessionsMe()).set('Cookie', `ST=${token}`);
    const res = await (authorization ? req.set('Authorization', authorization) : req);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'ACCESS_FAILED', details: [{ code: 'INVALID_TOKEN' }] });
    expect(res.body.id).toEqual(expect.any(String));
  });

  it('answers 401 once access tokens are revoked', async () => {
    const accessToken = emulator.issueAccessToken();
    emulator.revokeAccessTokens();
    const res = await request(emulator.url)
      .get(sessionsMe())
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Cookie', 'ST=x');
    expect(res.status).toBe(401);
  });

  it('answers 404 NOT_FOUND to an unknown session token', async () => {
    const res = await request(emulator.url)
      .get(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
      .set('Cookie', 'ST=unknown');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 400 INVALID_REQUEST when no ST cookie is sent', async () => {
    const res = await request(emulator.url)
      .get(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('sessions end', () => {
  const read = (token: string) =>
    request(emulator.url)
      .get(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
      .set('Cookie', `ST=${token}`);

  it('at the idle timeout', async () => {
    const { token } = emulator.createSession();
    now += 60 * 60_000 - 1;
    expect((await read(token)).status).toBe(200);
    now += 1;
    expect((await read(token)).status).toBe(404);
    expect(emulator.sessionState(token)).toBe('expired');
  });

  it('later when the user is active, which moves activeAt and expiresAt', async () => {
    const { token } = emulator.createSession();
    now += 45 * 60_000;
    emulator.touchSession(token);
    now += 45 * 60_000;
    const res = await read(token);
    expect(res.status).toBe(200);
    expect(res.body.activeAt).toBe('2026-03-01T12:45:00.000Z');
    expect(res.body.expiresAt).toBe('2026-03-01T13:45:00.000Z');
    expect(res.body.locations).toHaveLength(2);
  });

  it('on reset', async () => {
    const { token } = emulator.createSession();
    const res = await request(emulator.url)
      .post(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
      .set('Content-Type', 'application/vnd.pingidentity.sso.session.logout')
      .set('Cookie', `ST=${token}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await read(token)).status).toBe(404);
    expect(emulator.sessionState(token)).toBe('reset');
  });
});

describe('POST sessions/me', () => {
  it('answers 415 INVALID_REQUEST to another Content-Type and keeps the session', async () => {
    const { token } = emulator.createSession();
    const res = await request(emulator.url)
      .post(sessionsMe())
      .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
      .set('Content-Type', 'application/json')
      .set('Cookie', `ST=${token}`)
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(emulator.sessionState(token)).toBe('active');
  });

  it('answers 404 to a session that was already reset', async () => {
    const { token } = emulator.createSession();
    const reset = () =>
      request(emulator.url)
        .post(sessionsMe())
        .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
        .set('Content-Type', 'application/vnd.pingidentity.sso.session.logout')
        .set('Cookie', `ST=${token}`);
    expect((await reset()).status).toBe(204);
    expect((await reset()).status).toBe(404);
  });
});

describe('the sign-on page', () => {
  const signOn = () => `/${emulator.environmentId}/signon`;

  it('lists the demo users in a form that carries returnTo', async () => {
    const res = await request(emulator.url)
      .get(signOn())
      .query({ returnTo: 'http://localhost:3000/profile' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const user of DEMO_USERS) expect(res.text).toContain(user.name);
    expect(res.text).toContain('value="http://localhost:3000/profile"');
  });

  it('creates a session, sets ST (HttpOnly, SameSite=Lax, Path=/) and redirects back', async () => {
    const res = await request(emulator.url)
      .post(signOn())
      .set(
        'User-Agent',
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      )
      .type('form')
      .send({ user: 'grace', returnTo: 'http://localhost:3000/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('http://localhost:3000/profile');
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
    expect(cookie).toMatch(/^ST=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
    const token = /^ST=([\w-]+)/.exec(cookie)![1]!;
    expect(emulator.sessionState(token)).toBe('active');
  });

  it('escapes returnTo in the page', async () => {
    const res = await request(emulator.url)
      .get(signOn())
      .query({ returnTo: 'http://localhost:3000/"><script>alert(1)</script>' });
    expect(res.text).not.toContain('<script>alert(1)');
  });

  it.each(['https://evil.example/', 'javascript:alert(1)', '//evil.example', ''])(
    'refuses to send anyone to %j',
    async (returnTo) => {
      const res = await request(emulator.url).get(signOn()).query({ returnTo });
      expect(res.status).toBe(400);
    },
  );
});

describe('requests', () => {
  it('are recorded with method, URL, headers and body', async () => {
    await request(emulator.url).post('/anything').set('X-Test', '1').send('hello');
    expect(emulator.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/anything',
        body: 'hello',
        headers: expect.objectContaining({ 'x-test': '1' }),
      }),
    ]);
  });
});
