import request from 'supertest';
import { createExampleApp } from '../../example-app/src/app';
import { relativeTime } from '../../example-app/src/pages';
import { startEmulator, type Emulator } from '../../src/emulator';
import { emulatorOptions } from '../helpers/test-bed';

const publicUrl = 'http://localhost:3000';
let emulator: Emulator;
let app: ReturnType<typeof createExampleApp>;

beforeEach(async () => {
  emulator = await startEmulator();
  app = createExampleApp({
    pingSession: emulatorOptions(emulator),
    signOnUrl: emulator.signOnUrl,
    publicUrl,
  });
});
afterEach(() => emulator.close());

const navigate = (path: string) => request(app).get(path).set('Accept', 'text/html');

describe('the example app', () => {
  it('shows the signed-out state and a sign-in link on the home page', async () => {
    const res = await navigate('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out.');
    expect(res.text).toContain('href="/login?returnTo=%2Fprofile"');
  });

  it('shows the signed-in state and a sign-out form on the home page', async () => {
    const { token, session } = emulator.createSession();
    const res = await navigate('/').set('Cookie', `ST=${token}`);
    expect(res.text).toContain(session.user.id);
    expect(res.text).toContain('<form method="post" action="/logout">');
  });

  it('sends a signed-out visitor of /profile to sign in, and sign-in to the emulator', async () => {
    const res = await navigate('/profile');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Fprofile');
    const login = await navigate(res.headers.location!);
    const target = new URL(login.headers.location!);
    expect(`${target.origin}${target.pathname}`).toBe(emulator.signOnUrl);
    expect(target.searchParams.get('returnTo')).toBe(`${publicUrl}/profile`);
  });

  it('never sends sign-in back to another site', async () => {
    const login = await navigate('/login?returnTo=//evil.example/x');
    expect(new URL(login.headers.location!).searchParams.get('returnTo')).toBe(publicUrl);
  });

  it('shows the user, browser, OS, device, sign-on, locations and expiry on /profile, uncached', async () => {
    const { token, session } = emulator.createSession({
      user: 'grace',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    });
    const res = await navigate('/profile').set('Cookie', `ST=${token}`);
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
    const { token } = emulator.createSession();
    const res = await request(app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`)
      .set('Accept', 'text/html')
      .set('Origin', publicUrl)
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
