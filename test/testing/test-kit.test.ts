import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import {
  pingSession,
  withSession,
  requireSession,
  type LogDetails,
  type PingSessionOptions,
} from 'express-pingone-session';
import {
  DEMO_PASSWORD,
  navigation,
  sameOrigin,
  startEmulator,
  type Emulator,
} from 'express-pingone-session/testing';

// The kit as a user's own suite uses it: one emulator per file, reset after every test.
let pingOne: Emulator;
beforeAll(async () => {
  pingOne = await startEmulator();
});
afterEach(() => pingOne.reset());
afterAll(() => pingOne.close());

/** A user's app: a public page, a protected one, a password change behind a step-up. */
function createApp(options: PingSessionOptions) {
  const app = express();
  app.use(pingSession(options));
  app.get('/', (req, res) => res.json({ signedIn: req.pingSession !== undefined }));
  app.get(
    '/orders',
    withSession({ loginUrl: '/signin' }, (req, res) => res.json({ user: req.pingSession.user.id })),
  );
  app.post(
    '/password',
    requireSession({ maxAuthAgeSeconds: 300, authenticators: ['otp'] }),
    (_req, res) => res.send('changed'),
  );
  return app;
}

describe('emulator.options()', () => {
  it('is everything pingSession() needs, so a signed-in request has its session', async () => {
    const { cookie, session } = pingOne.signIn();
    const res = await request(createApp(pingOne.options())).get('/orders').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: session.user.id });
  });

  it('is what pingSession() asks for when given the emulator itself', () => {
    expect(() => pingSession(pingOne as never)).toThrow(
      'pingSession() was given the emulator itself: pass emulator.options() instead.',
    );
  });

  it('leaves the sign-in route off unless asked', () => {
    expect(pingOne.options()).not.toHaveProperty('signIn');
  });

  it("with { signIn: 'redirectless' } turns the sign-in route on against the emulator's application", async () => {
    const app = createApp(pingOne.options({ signIn: 'redirectless' }));
    const res = await request(app)
      .post('/signin')
      .set(sameOrigin)
      .send({ username: 'ada', password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('COMPLETED');
    const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(app).get('/orders').set('Cookie', cookie)).status).toBe(200);
  });
});

describe("emulator.options({ signIn: 'hosted' }) and signInHosted()", () => {
  const hostedApp = () =>
    createApp({
      ...pingOne.options({ signIn: 'hosted', redirectUri: 'http://localhost:3000/auth/callback' }),
      logger: false,
    });

  it('is hosted mode with a redirect URI and a cookie secret, also for signIn: true', () => {
    for (const signIn of ['hosted', true] as const) {
      expect(pingOne.options({ signIn }).signIn).toEqual({
        mode: 'hosted',
        clientId: pingOne.signInClientId,
        clientSecret: pingOne.signInClientSecret,
        redirectUri: 'http://localhost:3000/auth/callback',
        cookieSecret: expect.stringMatching(/^.{32,}$/),
      });
    }
  });

  it('signs an Express app in with one call: its own cookie, for a protected route', async () => {
    const app = hostedApp();
    const { cookie, session } = await pingOne.signInHosted(app, 'grace');
    expect(cookie).toMatch(/^pingone_session=/);
    const res = await request(app).get('/orders').set('Cookie', cookie);
    expect(res.body).toEqual({ user: session.user.id });
  });

  it('signs an app in by its URL too', async () => {
    const server = hostedApp().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { cookie } = await pingOne.signInHosted(url);
      expect((await fetch(`${url}/orders`, { headers: { Cookie: cookie } })).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('makes an old sign-on for step-up tests, as signIn() does', async () => {
    const app = hostedApp();
    const { cookie } = await pingOne.signInHosted(app, 'ada', { authAgeSeconds: 600 });
    expect((await request(app).post('/password').set('Cookie', cookie)).status).toBe(401);
  });

  it('says what went wrong when the app is not in hosted mode', async () => {
    await expect(pingOne.signInHosted(createApp(pingOne.options()))).rejects.toThrow(
      'the sign-in start answered 404, not a redirect.',
    );
  });
});

describe('emulator.signIn()', () => {
  it('signs in the named demo user and gives the cookie a browser would send', () => {
    const { cookie, token, session } = pingOne.signIn('grace');
    expect(cookie).toBe(`ST=${token}`);
    expect(session.user.id).toBe(pingOne.signIn('grace').session.user.id);
    expect(session.user.id).not.toBe(pingOne.signIn('ada').session.user.id);
    expect(pingOne.sessionState(token)).toBe('active');
  });

  it('makes a sign-on too old for a step-up guard with authAgeSeconds', async () => {
    const app = createApp(pingOne.options());
    const { cookie } = pingOne.signIn('ada', {
      authAgeSeconds: 600,
      authenticators: ['pwd', 'otp'],
    });
    const res = await request(app).post('/password').set('Cookie', cookie);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'step_up_required',
      maxAuthAgeSeconds: 300,
      authenticators: ['otp'],
    });
  });

  it('meets the step-up guard with a recent sign-on using the asked authenticators', async () => {
    const app = createApp(pingOne.options());
    const weak = pingOne.signIn('ada', { authAgeSeconds: 60 });
    const strong = pingOne.signIn('ada', { authAgeSeconds: 60, authenticators: ['pwd', 'otp'] });
    expect((await request(app).post('/password').set('Cookie', weak.cookie)).status).toBe(401);
    expect((await request(app).post('/password').set('Cookie', strong.cookie)).status).toBe(200);
  });

  it('makes an expired session with expiresInSeconds: 0, which PingOne no longer knows', async () => {
    const { cookie, token } = pingOne.signIn('ada', { expiresInSeconds: 0 });
    expect(pingOne.sessionState(token)).toBe('expired');
    const res = await request(createApp(pingOne.options())).get('/orders').set('Cookie', cookie);
    expect(res.status).toBe(401);
  });

  it('sets the expiry and idle timeout it is given', () => {
    const before = Date.now();
    const { session } = pingOne.signIn('ada', { expiresInSeconds: 90, idleTimeoutInMinutes: 5 });
    expect(Date.parse(session.expiresAt) - before).toBeGreaterThanOrEqual(90_000);
    expect(Date.parse(session.expiresAt) - before).toBeLessThan(95_000);
    expect(session.idleTimeoutInMinutes).toBe(5);
  });
});

describe('sameOrigin and navigation headers', () => {
  it('let a supertest logout through, which is refused without them', async () => {
    const app = createApp(pingOne.options());
    const { cookie, token } = pingOne.signIn();
    expect((await request(app).post('/logout').set('Cookie', cookie)).status).toBe(403);
    expect(pingOne.sessionState(token)).toBe('active');
    await request(app).post('/logout').set(sameOrigin).set('Cookie', cookie).expect(204);
    expect(pingOne.sessionState(token)).toBe('reset');
    await request(app).get('/orders').set('Cookie', cookie).expect(401);
  });

  it('let a fetch logout through', async () => {
    const server = createApp(pingOne.options()).listen(0);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { cookie, token } = pingOne.signIn();
      const res = await fetch(`${url}/logout`, {
        method: 'POST',
        headers: { ...sameOrigin, Cookie: cookie },
      });
      expect(res.status).toBe(204);
      expect(pingOne.sessionState(token)).toBe('reset');
    } finally {
      server.close();
    }
  });

  it('make a request a browser navigation: sent to sign in, and a logout answered with 303', async () => {
    const app = createApp(pingOne.options());
    const signedOut = await request(app).get('/orders').set(navigation);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.location).toBe('/signin?returnTo=%2Forders');
    const { cookie } = pingOne.signIn();
    const logout = await request(app).post('/logout').set(navigation).set('Cookie', cookie);
    expect(logout.status).toBe(303);
  });
});

describe('emulator.simulate()', () => {
  it("'down': protected routes answer 503, public ones go on; the returned function ends it", async () => {
    const app = createApp({ ...pingOne.options(), logger: false });
    const end = pingOne.simulate('down');
    const { cookie } = pingOne.signIn();
    const res = await request(app).get('/orders').set('Cookie', cookie);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'pingone_unavailable' });
    expect((await request(app).get('/').set('Cookie', cookie)).status).toBe(200);
    end();
    expect((await request(app).get('/orders').set('Cookie', cookie)).status).toBe(200);
  });

  it("'slow': a PingOne slower than timeoutMs is unavailable", async () => {
    const app = createApp({ ...pingOne.options(), timeoutMs: 100, retry: false, logger: false });
    pingOne.simulate('slow', { latencyMs: 400 });
    const res = await request(app).get('/orders').set('Cookie', pingOne.signIn().cookie);
    expect(res.status).toBe(503);
  });

  it("'rate-limited': PingOne answers 429 and the route 503 at once", async () => {
    const app = createApp({ ...pingOne.options(), logger: false });
    pingOne.simulate('rate-limited');
    const res = await request(app).get('/orders').set('Cookie', pingOne.signIn().cookie);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    // One call, answered 429, and no retry: the pause outlasts the call's deadline.
    expect(pingOne.requests).toHaveLength(1);
  });

  it("'role-missing': 503, and the logger is told the worker application's role is the cause", async () => {
    const causes: unknown[] = [];
    const record = (_message: string, details: LogDetails) => {
      if (details.event === 'pingone_misconfigured') causes.push(details.cause);
    };
    const app = createApp({ ...pingOne.options(), logger: { warn: record, info: () => {} } });
    pingOne.simulate('role-missing');
    const res = await request(app).get('/orders').set('Cookie', pingOne.signIn().cookie);
    expect(res.status).toBe(503);
    expect(causes).toEqual(['worker_role']);
  });

  it('refuses a condition it does not know', () => {
    expect(() => pingOne.simulate('flooded' as never)).toThrow(/unknown condition "flooded"/);
  });
});

describe('emulator.reset()', () => {
  it("forgets sessions, so an earlier test's cookie is signed out", async () => {
    const app = createApp(pingOne.options());
    const { cookie, token } = pingOne.signIn();
    pingOne.reset();
    expect(pingOne.sessionState(token)).toBe('unknown');
    expect((await request(app).get('/orders').set('Cookie', cookie)).status).toBe(401);
  });

  it('ends faults and forgets recorded requests', async () => {
    const app = createApp({ ...pingOne.options(), logger: false });
    pingOne.simulate('down');
    await request(app).get('/orders').set('Cookie', pingOne.signIn().cookie);
    expect(pingOne.requests.length).toBeGreaterThan(0);
    pingOne.reset();
    expect(pingOne.requests).toEqual([]);
    expect((await request(app).get('/orders').set('Cookie', pingOne.signIn().cookie)).status).toBe(
      200,
    );
  });

  it('unlocks accounts locked by wrong passwords', async () => {
    const app = createApp({ ...pingOne.options({ signIn: 'redirectless' }), logger: false });
    const signIn = (password: string) =>
      request(app).post('/signin').set(sameOrigin).send({ username: 'ada', password });
    for (let i = 0; i < 5; i += 1) await signIn('wrong-password');
    expect((await signIn(DEMO_PASSWORD)).status).toBe(423);
    pingOne.reset();
    expect((await signIn(DEMO_PASSWORD)).body.status).toBe('COMPLETED');
  });

  it('releases answers held by hold()', async () => {
    const app = createApp(pingOne.options());
    pingOne.hold();
    const pending = request(app).get('/orders').set('Cookie', pingOne.signIn().cookie);
    const answered = pending.then((res) => res.status);
    await new Promise((resolve) => setTimeout(resolve, 50));
    pingOne.reset();
    // The session was forgotten with the rest, so the held read answers "no session".
    expect(await answered).toBe(401);
  });
});
