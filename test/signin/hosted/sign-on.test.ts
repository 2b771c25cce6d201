import { startEmulator, type Emulator } from '../../../src/emulator';
import { Browser, formOf, type Page } from '../../helpers/browser';
import { startHostedApp, type HostedApp } from '../../helpers/hosted-app';

let emulator: Emulator;
let apps: HostedApp[];
beforeEach(async () => {
  emulator = await startEmulator();
  apps = [];
});
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await emulator.close();
});

async function hostedApp(
  ...args: Parameters<typeof startHostedApp> extends [unknown, ...infer R] ? R : never
) {
  const app = await startHostedApp(emulator, ...args);
  apps.push(app);
  return app;
}

/** Types the password on the emulator's hosted page and goes on; the page it ends on. */
async function signOnAt(browser: Browser, page: Page, username = 'ada'): Promise<Page> {
  const { action, fields } = formOf(page);
  return browser.submit(action, { ...fields, username, password: emulator.demoPassword }, page.url);
}

const json = (page: Page) => JSON.parse(page.body) as Record<string, unknown> | null;
const PINGONE_COOKIE = (emulator: Emulator) => `${emulator.url}/${emulator.environmentId}/`;

describe('hosted sign-on', () => {
  it('sends the browser to PingOne, and back to where it was going, signed in', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    const login = await browser.goto(`${app.url}/private`);
    expect(login.url).toMatch(
      new RegExp(`^${emulator.url}/${emulator.environmentId}/signon/hosted`),
    );
    const landed = await signOnAt(browser, login);
    expect(landed.url).toBe(`${app.url}/private`);
    expect(json(landed)).toEqual({ user: '07e1ee43-9f56-4254-8cfb-1709b5ea8e24' });
  });

  it('asks PingOne for a code with PKCE S256, state and nonce, never pi.flow', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    const start = await browser.fetch('GET', `${app.url}/signin`);
    expect(start.status).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${emulator.url}/${emulator.environmentId}/as/authorize`,
    );
    const query = Object.fromEntries(authorize.searchParams);
    expect(query).toMatchObject({
      response_type: 'code',
      client_id: emulator.signInClientId,
      redirect_uri: `${app.url}/auth/callback`,
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    expect(query.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(query.nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query).not.toHaveProperty('response_mode');
  });

  it('tells a fetch where to send the browser, as JSON', async () => {
    const app = await hostedApp();
    const res = await new Browser().fetch('GET', `${app.url}/signin`, {
      headers: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).url).toMatch(/\/as\/authorize\?/);
  });

  it('gives the browser a session cookie that names the session and holds no token', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    await signOnAt(browser, await browser.goto(`${app.url}/signin`));
    const cookies = await browser.jar.getCookies(app.url);
    expect(cookies.map((cookie) => cookie.key)).toEqual(['pingone_session']);
    const [session] = cookies;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
    const token = await browser.cookie(PINGONE_COOKIE(emulator), 'ST');
    expect(token).toBeDefined();
    expect(session!.value).not.toContain(token);
    const me = json(await browser.goto(`${app.url}/me`))!;
    expect(session!.value).not.toContain(String(me.id));
  });

  it('reads the session by its ID on PingOne, and its first page needs no further read', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    await signOnAt(browser, await browser.goto(`${app.url}/signin`));
    const reads = emulator.requests.filter((r) => r.method === 'GET' && /\/sessions\//.test(r.url));
    expect(reads.map((r) => r.url)).toEqual([
      expect.stringMatching(/\/v1\/environments\/[^/]+\/sessions\/[0-9a-f-]{36}$/),
    ]);
    expect(reads[0]!.headers.cookie).toBeUndefined();
    await browser.goto(`${app.url}/me`);
    expect(emulator.counts().sessionReads).toBe(1);
  });

  it('signs a second app in without a password: single sign-on, one PingOne session', async () => {
    const [a, b] = [await hostedApp(), await hostedApp()];
    const browser = new Browser();
    await signOnAt(browser, await browser.goto(`${a.url}/signin`));
    const onB = await browser.goto(`${b.url}/private`);
    expect(onB.url).toBe(`${b.url}/private`);
    const pages = browser.visited.filter(
      (visit) => visit.startsWith('GET') && visit.includes('/signon/hosted'),
    );
    expect(pages).toHaveLength(1);
    const [sessionA, sessionB] = [
      json(await browser.goto(`${a.url}/me`))!,
      json(await browser.goto(`${b.url}/me`))!,
    ];
    expect(sessionB.id).toBe(sessionA.id);
  });

  it('takes every step of the sign-on policy on PingOne: a one-time code for grace', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    const code = await signOnAt(browser, await browser.goto(`${app.url}/signin`), 'grace');
    const { action, fields } = formOf(code);
    expect(fields).toHaveProperty('flowId');
    const landed = await browser.submit(
      action,
      { ...fields, otp: emulator.lastOtp('grace')! },
      code.url,
    );
    expect(json(await browser.goto(`${app.url}/me`))).toMatchObject({
      user: { id: '5b0d1c3e-2f4a-4c8e-9a61-7d2e3f4a5b6c' },
      lastSignOn: { authenticators: expect.arrayContaining(['pwd']) },
    });
    expect(landed.url).toBe(`${app.url}/`);
  });
});

describe('a step-up in hosted mode', () => {
  it('asks PingOne again with max_age and prompt=login, and keeps the same session', async () => {
    const app = await hostedApp();
    const browser = new Browser();
    const { cookie, pingOneCookie, session } = await emulator.signInHosted(app.url, 'ada', {
      authAgeSeconds: 600,
    });
    await browser.jar.setCookie(`${cookie}; Path=/`, app.url);
    await browser.jar.setCookie(`${pingOneCookie}; Path=/${emulator.environmentId}`, emulator.url);
    const asked = await browser.goto(`${app.url}/recent`);
    const authorize = browser.visited.find((visit) => visit.includes('/as/authorize'))!;
    expect(authorize).toContain('max_age=300');
    expect(authorize).toContain('prompt=login');
    expect(asked.body).toContain('Sign on again');
    const landed = await signOnAt(browser, asked);
    expect(landed.url).toBe(`${app.url}/recent`);
    const after = json(await browser.goto(`${app.url}/me`))!;
    expect(after.id).toBe(session.id);
    const at = (value: unknown) => Date.parse((value as { at: string }).at);
    expect(at(after.lastSignOn)).toBeGreaterThan(at(session.lastSignOn));
  });

  it('sends acr_values with a step-up when stepUpAcrValues names a policy', async () => {
    const app = await hostedApp({}, { stepUpAcrValues: 'Strong_MFA' });
    const browser = new Browser();
    const start = await browser.fetch('GET', `${app.url}/signin?max_age=300&prompt=login`);
    expect(new URL(String(start.headers.location)).searchParams.get('acr_values')).toBe(
      'Strong_MFA',
    );
    const plain = await browser.fetch('GET', `${app.url}/signin`);
    expect(new URL(String(plain.headers.location)).searchParams.has('acr_values')).toBe(false);
  });
});

describe('logout in hosted mode', () => {
  it('ends the PingOne session by its ID, for every app, and clears the cookie', async () => {
    const [a, b] = [await hostedApp({ cache: false }), await hostedApp({ cache: false })];
    const browser = new Browser();
    await signOnAt(browser, await browser.goto(`${a.url}/signin`));
    await browser.goto(`${b.url}/signin`);
    const session = json(await browser.goto(`${a.url}/me`))!;
    const out = await browser.fetch('POST', `${b.url}/logout`, {
      from: `${b.url}/`,
      headers: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(out.status).toBe(204);
    const reset = emulator.requests.find(
      (r) => r.method === 'POST' && /\/sessions\/[^m]/.test(r.url),
    )!;
    expect(reset.url).toMatch(new RegExp(`/sessions/${String(session.id)}$`));
    expect(reset.headers['content-type']).toBe('application/vnd.pingidentity.sso.session.logout');
    expect(await browser.cookie(b.url, 'pingone_session')).toBeUndefined();
    expect(json(await browser.goto(`${a.url}/me`))).toBeNull();
  });

  it('sends a navigation through PingOne sign-off when postLogoutRedirectUri is set', async () => {
    const app = await hostedApp({}, { postLogoutRedirectUri: 'http://127.0.0.1:1/bye' });
    const browser = new Browser();
    await signOnAt(browser, await browser.goto(`${app.url}/signin`));
    expect(await browser.cookie(PINGONE_COOKIE(emulator), 'ST')).toBeDefined();
    const out = await browser.fetch('POST', `${app.url}/logout`, { from: `${app.url}/` });
    expect(out.status).toBe(303);
    const signoff = new URL(String(out.headers.location));
    expect(signoff.pathname).toBe(`/${emulator.environmentId}/as/signoff`);
    expect(signoff.searchParams.get('post_logout_redirect_uri')).toBe('http://127.0.0.1:1/bye');
    const off = await browser.fetch('GET', signoff.href, { from: `${app.url}/` });
    expect(off.headers.location).toBe('http://127.0.0.1:1/bye');
    expect(await browser.cookie(PINGONE_COOKIE(emulator), 'ST')).toBeUndefined();
    // PingOne signs nobody in without asking now.
    const again = await browser.goto(`${app.url}/signin`);
    expect(again.url).toContain('/signon/hosted');
  });

  it('signs out everywhere: every other device of the user too', async () => {
    const app = await hostedApp();
    const [laptop, phone] = [new Browser(), new Browser()];
    await signOnAt(laptop, await laptop.goto(`${app.url}/signin`));
    await signOnAt(phone, await phone.goto(`${app.url}/signin`));
    const out = await laptop.fetch('POST', `${app.url}/logout?everywhere=true`, {
      from: `${app.url}/`,
      headers: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(out.status).toBe(204);
    expect(
      emulator.requests.filter((r) => r.method === 'POST' && /\/sessions\//.test(r.url)).length,
    ).toBeGreaterThanOrEqual(2);
    expect(json(await phone.goto(`${app.url}/me`))).toBeNull();
  });
});
