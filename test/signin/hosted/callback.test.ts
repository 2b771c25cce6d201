import { startEmulator, type Emulator } from '../../../src/emulator';
import { Browser, formOf, type Page } from '../../helpers/browser';
import { startHostedApp, type HostedApp } from '../../helpers/hosted-app';
import { frozenClock } from '../../helpers/wait';

let emulator: Emulator;
let app: HostedApp;
beforeEach(async () => {
  emulator = await startEmulator();
  app = await startHostedApp(emulator);
});
afterEach(async () => {
  jest.useRealTimers();
  await app.close();
  await emulator.close();
});

const json = (page: Page) => JSON.parse(page.body) as Record<string, unknown> | null;

/**
 * Signs on at the emulator's page but stops at PingOne's redirect back: the callback URL a
 * browser would be sent to, not yet visited.
 */
async function callbackOf(browser: Browser, returnTo = '/'): Promise<string> {
  const page = await browser.goto(`${app.url}/signin?returnTo=${encodeURIComponent(returnTo)}`);
  const { action, fields } = formOf(page);
  const posted = await browser.fetch('POST', action, {
    body: new URLSearchParams({
      ...fields,
      username: 'ada',
      password: emulator.demoPassword,
    }).toString(),
    from: page.url,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  expect(posted.status).toBe(302);
  return String(posted.headers.location);
}

describe('the callback', () => {
  it('signs in nobody when the sign-in was begun in another browser (login CSRF)', async () => {
    const attacker = new Browser();
    const forged = await callbackOf(attacker);
    const victim = new Browser();
    const page = await victim.goto(forged, 'https://evil.example/');
    expect(page.status).toBe(400);
    expect(page.body).toContain('This sign-in expired or was already used.');
    expect(await victim.cookie(app.url, 'pingone_session')).toBeUndefined();
    expect(json(await victim.goto(`${app.url}/me`))).toBeNull();
  });

  it('does nothing when replayed: the transaction is used once', async () => {
    const browser = new Browser();
    const callback = await callbackOf(browser);
    const first = await browser.fetch('GET', callback);
    expect(first.status).toBe(303);
    const cleared = [first.headers['set-cookie']].flat().find((c) => /pingone_signin_/.test(c!));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    const again = await browser.fetch('GET', callback);
    expect(again.status).toBe(400);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('does not take a transaction cookie made for another state', async () => {
    const browser = new Browser();
    const callback = new URL(await callbackOf(browser));
    const [cookie] = (await browser.jar.getCookies(app.url)).filter((c) =>
      c.key.startsWith('pingone_signin_'),
    );
    const otherState = 'A'.repeat(12) + callback.searchParams.get('state')!.slice(12);
    const thief = new Browser();
    await thief.jar.setCookie(`pingone_signin_${'A'.repeat(12)}=${cookie!.value}`, app.url);
    callback.searchParams.set('state', otherState);
    const page = await thief.fetch('GET', callback.href);
    expect(page.status).toBe(400);
  });

  it('counts a transaction older than ten minutes as expired', async () => {
    const browser = new Browser();
    const callback = await callbackOf(browser);
    frozenClock().advance(10 * 60_000 + 1);
    const page = await browser.fetch('GET', callback);
    expect(page.status).toBe(400);
    expect(page.body).toContain('expired');
  });

  it('answers a code PingOne no longer takes as expired, with a way to start again', async () => {
    const browser = new Browser();
    const callback = new URL(await callbackOf(browser, '/private'));
    callback.searchParams.set('code', 'a-code-pingone-never-issued');
    const page = await browser.fetch('GET', callback.href);
    expect(page.status).toBe(400);
    expect(page.body).toContain('href="/signin?returnTo=%2Fprivate"');
  });

  it.each([
    ['access_denied', 403, 'The sign-in was cancelled or refused.'],
    ['temporarily_unavailable', 503, 'PingOne is not answering right now.'],
    ['login_required', 502, 'The sign-in could not be completed.'],
  ])('answers PingOne error=%s with %i and its own words', async (error, status, text) => {
    const browser = new Browser();
    const callback = new URL(await callbackOf(browser));
    callback.searchParams.delete('code');
    callback.searchParams.set('error', error);
    callback.searchParams.set('error_description', '<script>alert(1)</script>');
    const page = await browser.fetch('GET', callback.href);
    expect(page.status).toBe(status);
    expect(page.body).toContain(text);
    expect(page.body).not.toContain('<script>');
    expect(await browser.cookie(app.url, 'pingone_session')).toBeUndefined();
  });

  it("takes a cancel on PingOne's page back to the app as a refused sign-in", async () => {
    const browser = new Browser();
    const page = await browser.goto(`${app.url}/signin`);
    const { action, fields } = formOf(page);
    const back = await browser.submit(action, { ...fields, cancel: 'true' }, page.url);
    expect(back.status).toBe(403);
    expect(back.body).toContain('id="signin-again"');
  });

  it('answers a fetch with JSON and the URL to start again', async () => {
    const res = await new Browser().fetch('GET', `${app.url}/auth/callback?state=x&code=y`, {
      headers: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: 'signin_expired',
      retry: '/signin?returnTo=%2F',
    });
  });

  it.each([
    ['no query at all', ''],
    ['a state of control characters', '?state=%0d%0aSet-Cookie:%20x=1&code=y'],
    ['an over-long code', `?state=${'s'.repeat(40)}&code=${'c'.repeat(5000)}`],
    ['repeated parameters', '?state=a&state=b&code=c&code=d'],
  ])('answers %s clearly, never with a 500', async (_case, query) => {
    const res = await new Browser().fetch('GET', `${app.url}/auth/callback${query}`);
    expect([400, 403, 502]).toContain(res.status);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers other methods with 405', async () => {
    const res = await new Browser().fetch('POST', `${app.url}/auth/callback`, { body: '' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('returnTo on a hosted sign-in', () => {
  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash trick', '/\\evil.example/'],
    ['a script', 'javascript:alert(1)'],
  ])('is refused for %s: the browser lands on signIn.returnTo', async (_case, returnTo) => {
    const browser = new Browser();
    const page = await browser.goto(`${app.url}/signin?returnTo=${encodeURIComponent(returnTo)}`);
    const { action, fields } = formOf(page);
    const landed = await browser.submit(
      action,
      { ...fields, username: 'ada', password: emulator.demoPassword },
      page.url,
    );
    expect(landed.url).toBe(`${app.url}/`);
  });
});

describe('the session cookie', () => {
  it('is no session when tampered with, and costs no PingOne call', async () => {
    const { cookie } = await emulator.signInHosted(app.url);
    const [name, value] = cookie.split('=') as [string, string];
    const flipped = value.slice(0, -2) + (value.endsWith('A') ? 'BB' : 'AA');
    const reads = emulator.counts().sessionReads;
    const browser = new Browser();
    await browser.jar.setCookie(`${name}=${flipped}`, app.url);
    expect(json(await browser.goto(`${app.url}/me`))).toBeNull();
    expect(emulator.counts().sessionReads).toBe(reads);
  });

  it('is no session when sealed by another app (another secret)', async () => {
    const other = await startHostedApp(
      emulator,
      {},
      { cookieSecret: 'another-secret-of-32-characters!!!' },
    );
    try {
      const { cookie } = await emulator.signInHosted(other.url);
      const browser = new Browser();
      await browser.jar.setCookie(cookie, app.url);
      expect(json(await browser.goto(`${app.url}/me`))).toBeNull();
    } finally {
      await other.close();
    }
  });

  it('still opens under the old secret while a new one is rolled out', async () => {
    const { cookie, session } = await emulator.signInHosted(app.url);
    const secret = emulator.options({ signIn: 'hosted' }).signIn as { cookieSecret: string };
    const rolled = await startHostedApp(
      emulator,
      {},
      { cookieSecret: ['a-brand-new-secret-of-32-characters!!', secret.cookieSecret] },
    );
    try {
      const browser = new Browser();
      await browser.jar.setCookie(cookie, rolled.url);
      expect(json(await browser.goto(`${rolled.url}/me`))).toMatchObject({ id: session.id });
    } finally {
      await rolled.close();
    }
  });

  it('is Secure and __Host- prefixed when the app is served over https', async () => {
    const secure = await startHostedApp(
      emulator,
      {},
      {
        redirectUri: 'https://app.example.com/auth/callback',
      },
    );
    try {
      const start = await new Browser().fetch('GET', `${secure.url}/signin`);
      const cookie = [start.headers['set-cookie']].flat()[0]!;
      expect(cookie).toMatch(/^__Host-pingone_signin_[A-Za-z0-9_-]{12}=/);
      expect(cookie).toMatch(/; Path=\/; .*HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await secure.close();
    }
  });
});
