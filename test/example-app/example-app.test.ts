import request from 'supertest';
import { createExampleApp } from '../../example-app/src/app';
import { relativeTime } from '../../example-app/src/pages';
import { pingSessionMetrics } from 'express-pingone-session/metrics';
import {
  navigation,
  sameOrigin,
  startEmulator,
  type Emulator,
} from 'express-pingone-session/testing';
import { sentSecrets } from '../helpers/captured-output';

// The test kit's reference use (README, "Testing your app"): one emulator for the file, reset
// after every test, and the app built from the emulator's options.

const publicUrl = 'http://localhost:3000';
let emulator: Emulator;
let app: ReturnType<typeof createExampleApp>;

beforeAll(async () => {
  emulator = await startEmulator();
});
beforeEach(() => {
  app = createExampleApp({
    pingSession: { ...emulator.options({ signIn: 'redirectless' }), logger: false },
    publicUrl,
  });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const navigate = (path: string) => request(app).get(path).set(navigation);
const WRONG_PASSWORD = 'not-her-password-1906';
sentSecrets.push(WRONG_PASSWORD);

/** A form post of the sign-in page, as a browser sends it. */
const submit = (agent: ReturnType<typeof request.agent>, fields: Record<string, string>) =>
  agent.post('/signin').set(navigation).type('form').send(fields);

describe('the example app', () => {
  it('serves the metrics it is given on /metrics, counting what it did', async () => {
    const metrics = pingSessionMetrics();
    try {
      const withMetrics = createExampleApp({
        pingSession: { ...emulator.options(), logger: false },
        publicUrl,
        metrics: metrics.registry,
      });
      await request(withMetrics).get('/').set('Cookie', emulator.signIn().cookie);
      const res = await request(withMetrics).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.text).toContain('pingone_session_lookups_total{outcome="miss",session="true"} 1');
    } finally {
      metrics.close();
    }
  });

  it('shows the signed-out state and a sign-in link on the home page', async () => {
    const res = await navigate('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out.');
    expect(res.text).toContain('href="/signin?returnTo=%2Fprofile"');
  });

  it('greets the signed-in user by name and shows a sign-out form on the home page', async () => {
    const res = await navigate('/').set('Cookie', emulator.signIn('ada').cookie);
    expect(res.text).toContain('Signed in as <strong id="display-name">Ada</strong>.');
    expect(res.text).toContain('<form method="post" action="/logout">');
  });

  it("falls back to the user's ID when PingOne does not answer for the user", async () => {
    const { cookie, session } = emulator.signIn('ada');
    emulator.addFault({ on: 'directory', status: 503 });
    const res = await navigate('/').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain(session.user.id);
  });

  it("lists the user's devices on /profile, with a sign-out button for each other one", async () => {
    const other = emulator.signIn('ada');
    const res = await navigate('/profile').set('Cookie', emulator.signIn('ada').cookie);
    expect(res.text).toContain('<h1>Hello, <span id="display-name">Ada</span></h1>');
    expect(res.text).toContain(`action="/devices/${other.session.id}/sign-out"`);
    expect(res.text).toContain('This device');
    expect(res.text).toContain('name="everywhere" value="true"');
  });

  it('says which sign-out each button is: this browser, that device, everywhere', async () => {
    emulator.signIn('ada');
    const res = await navigate('/profile').set('Cookie', emulator.signIn('ada').cookie);
    const buttons = [...res.text.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]);
    expect(buttons).toEqual([
      'Sign out of this browser',
      'Sign out that device',
      'Sign out everywhere',
    ]);
  });

  it('capitalises place names only, not how long ago a device was active', async () => {
    emulator.signIn('ada');
    const res = await navigate('/profile').set('Cookie', emulator.signIn('ada').cookie);
    const places = [...res.text.matchAll(/<span class="place">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(places.length).toBeGreaterThan(0);
    for (const place of places) expect(place).not.toContain('active');
    expect(res.text).toMatch(/<\/span> · active (now|\d+ seconds? ago)<\/span>/);
  });

  it('sends a sign-in older than 5 minutes from /security to sign in again, then back', async () => {
    const { cookie } = emulator.signIn('ada', { authAgeSeconds: 600 });
    const res = await navigate('/security').set('Cookie', cookie);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.location!, publicUrl);
    expect(to.pathname).toBe('/signin');
    expect(to.searchParams.get('returnTo')).toBe('/security');
    expect(to.searchParams.get('max_age')).toBe('300');
    const page = await navigate(`${to.pathname}${to.search}`).set('Cookie', cookie);
    expect(page.text).toContain('Please sign in again to continue.');
  });

  it('shows /security to a sign-in of the last 5 minutes, with its methods', async () => {
    const { cookie } = emulator.signIn('ada', { authAgeSeconds: 60 });
    const res = await navigate('/security').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<h1>Security settings</h1>');
    expect(res.text).toMatch(/<dd id="authenticators">pwd/);
  });

  it('signs one other device out from the profile, and refuses a cross-site post', async () => {
    const other = emulator.signIn('ada');
    const { cookie } = emulator.signIn('ada');
    const post = (headers: Record<string, string>) =>
      request(app).post(`/devices/${other.session.id}/sign-out`).set('Cookie', cookie).set(headers);
    expect((await post({ 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect(emulator.sessionState(other.token)).toBe('active');
    const res = await post(sameOrigin);
    expect([res.status, res.headers.location]).toEqual([303, '/profile']);
    expect(emulator.sessionState(other.token)).toBe('reset');
  });

  it('sends a signed-out visitor of /profile to its own sign-in page', async () => {
    const res = await navigate('/profile');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/signin?returnTo=%2Fprofile');
    const page = await navigate(res.headers.location!);
    expect(page.text).toContain('<form method="post" action="/signin" class="stack">');
    expect(page.text).toContain('<input type="hidden" name="returnTo" value="/profile">');
    expect(page.text).toContain('name="password" type="password" autocomplete="current-password"');
  });

  it('signs in with plain form posts: password, then the one-time code, then /profile', async () => {
    const agent = request.agent(app);
    const first = await submit(agent, {
      username: 'grace',
      password: emulator.demoPassword,
      returnTo: '/profile',
    });
    expect(first.status).toBe(303);
    const otpPage = await agent.get(first.headers.location!).set(navigation);
    expect(otpPage.text).toContain('name="otp" type="text" autocomplete="one-time-code"');
    expect(otpPage.text).toContain('Signing in as <strong>grace</strong>');
    const done = await submit(agent, { otp: emulator.lastOtp('grace')!, returnTo: '/profile' });
    expect(done.headers.location).toBe('/profile');
    const profile = await agent.get('/profile').set(navigation);
    expect(profile.text).toContain('5b0d1c3e-2f4a-4c8e-9a61-7d2e3f4a5b6c');
  });

  it('shows why a sign-in failed on the page it returns to', async () => {
    const agent = request.agent(app);
    const res = await submit(agent, { username: 'grace', password: WRONG_PASSWORD });
    const page = await agent.get(res.headers.location!).set(navigation);
    expect(page.text).toContain('Wrong username or password.');
  });

  it('counts only wrong guesses: signing in as every demo user three times over never meets the limit', async () => {
    for (let round = 0; round < 3; round += 1) {
      for (const username of ['ada', 'grace', 'alan', 'hedy']) {
        const agent = request.agent(app);
        await submit(agent, {});
        const res = await submit(agent, { username, password: emulator.demoPassword });
        expect(res.status).toBe(303);
        expect(res.headers.location).not.toContain('error=');
      }
    }
    const agent = request.agent(app);
    const res = await submit(agent, { username: 'nobody', password: WRONG_PASSWORD });
    expect(res.headers.location).toContain('error=invalid_credentials');
  });

  it('answers the 31st wrong password in 15 minutes with the sign-in page and the wait', async () => {
    const agent = request.agent(app);
    for (let i = 0; i < 30; i += 1) {
      const res = await submit(agent, { username: `nobody-${i}`, password: WRONG_PASSWORD });
      expect(res.headers.location).toContain('error=invalid_credentials');
    }
    const res = await submit(agent, { username: 'nobody', password: WRONG_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toContain('error=too_many_attempts');
    const page = await agent.get(res.headers.location!).set(navigation);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Too many wrong passwords or codes from your network.');
    expect(page.text).toContain('Try again in 15 minutes.');
  });

  it('counts wrong one-time codes too, ten a username, and answers fetch callers with JSON', async () => {
    const agent = request.agent(app);
    await submit(agent, { username: 'grace', password: emulator.demoPassword });
    // Ten a username (grace's), from any address.
    for (let i = 0; i < 10; i += 1) {
      const res = await agent.post('/signin').set(sameOrigin).send({ otp: '00000000' });
      expect(res.body).toEqual({ error: 'invalid_otp' });
    }
    const res = await agent.post('/signin').set(sameOrigin).send({ otp: '00000000' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(res.body).toEqual({ error: 'too_many_attempts', retryAfterSeconds: expect.any(Number) });
  });

  it("shows the demo users' hint when given one", async () => {
    const withHint = createExampleApp({
      pingSession: { ...emulator.options({ signIn: 'redirectless' }), logger: false },
      publicUrl,
      signInHint: 'Demo users: ada, grace.',
    });
    const page = await request(withHint).get('/signin');
    expect(page.text).toContain('<p class="muted">Demo users: ada, grace.</p>');
  });

  it('shows the user, browser, OS, device, sign-on, locations and expiry on /profile, uncached', async () => {
    const { cookie, session } = emulator.signIn('grace', {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    });
    const res = await navigate('/profile').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain(session.user.id);
    expect(res.text).toContain('Chrome 120.0.0.0');
    expect(res.text).toContain('Linux');
    expect(res.text).toContain(session.expiresAt);
    expect(res.text).toContain(session.lastSignOn.at);
    expect(res.text).toContain('arlington, united states');
  });

  it('serves a strict Content-Security-Policy without inline styles', async () => {
    const res = await navigate('/');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('signs out with the form post and lands on the home page', async () => {
    const { cookie, token } = emulator.signIn();
    const res = await request(app)
      .post('/logout')
      .set(navigation)
      .set('Cookie', cookie)
      .type('form')
      .send('');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(emulator.sessionState(token)).toBe('reset');
  });
});

describe('relativeTime()', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '12 minutes ago', Date.parse('2026-01-01T00:12:00Z')],
    ['2026-01-01T03:00:00Z', 'in 3 hours', Date.parse('2026-01-01T00:00:00Z')],
    ['2026-01-01T00:00:00Z', 'now', Date.parse('2026-01-01T00:00:00Z')],
  ])('says %s as "%s"', (iso, expected, now) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });
});

describe("the example app, signing in on PingOne's page (hosted mode, npm start's default)", () => {
  const hostedApp = () =>
    createExampleApp({
      pingSession: {
        ...emulator.options({ signIn: 'hosted', redirectUri: `${publicUrl}/auth/callback` }),
        logger: false,
      },
      publicUrl,
      name: 'App A',
      signInHint: 'Demo users: ada, grace.',
    });

  it('offers "Sign in with PingOne", its name and the demo users on the home page', async () => {
    const res = await request(hostedApp()).get('/').set(navigation);
    expect(res.text).toContain('id="sign-in">Sign in with PingOne</a>');
    expect(res.text).toContain('<span id="site-name">App A</span>');
    expect(res.text).toContain('<p class="muted">Demo users: ada, grace.</p>');
  });

  it("sends the sign-in link to PingOne's authorize endpoint", async () => {
    const res = await request(hostedApp()).get('/signin?returnTo=%2Fprofile').set(navigation);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${emulator.authPath}/${emulator.environmentId}/as/authorize`,
    );
    expect(location.searchParams.get('redirect_uri')).toBe(`${publicUrl}/auth/callback`);
  });

  it('shows the profile to a browser back from PingOne, and signs it out there too', async () => {
    const app = hostedApp();
    const { cookie, pingOneCookie, session } = await emulator.signInHosted(app, 'grace');
    const profile = await request(app).get('/profile').set(navigation).set('Cookie', cookie);
    expect(profile.status).toBe(200);
    expect(profile.text).toContain(session.user.id);
    const out = await request(app)
      .post('/logout')
      .set(navigation)
      .set('Cookie', cookie)
      .type('form')
      .send('');
    expect(out.status).toBe(303);
    expect(emulator.sessionState(pingOneCookie.replace(/^ST=/, ''))).toBe('reset');
  });
});
