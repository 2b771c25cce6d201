import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_USERS, startEmulator, type Emulator } from '../../src/emulator';
import { createExampleApp } from '../../example-app/src/app';
import { launchChromium } from '../helpers/chromium';

/*
 * Hosted sign-on in Debian's Chromium (playwright-core; JavaScript off): two example apps on two
 * origins (localhost and 127.0.0.1, so that their cookies are apart) against one emulator, as
 * `npm run start:sso` runs them. Sign in on app A on PingOne's page; app B signs in without a
 * password (single sign-on); a step-up on A asks again and keeps the PingOne session; a sign-out
 * on B signs A out on its next request; Back shows nothing private. Both apps run with the cache
 * off, as the demo does, so that the other app's sign-out shows at once.
 */
const ada = DEMO_USERS[0]!;

let emulator: Emulator;
let servers: Server[];
let appA: string;
let appB: string;
let browser: Browser;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
/** Added to the emulator's clock: a sign-on made while it is negative is old. */
let clockOffset = 0;

async function serveApp(host: string, name: string): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const base = emulator.options({ signIn: 'hosted', redirectUri: `${url}/auth/callback` });
  server.on(
    'request',
    createExampleApp({
      name,
      publicUrl: url,
      pingSession: { ...base, cache: false, logger: false },
    }),
  );
  servers.push(server);
  return url;
}

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Date.now() + clockOffset });
  servers = [];
  appA = await serveApp('localhost', 'App A');
  appB = await serveApp('127.0.0.1', 'App B');
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await emulator?.close();
});

const onPingOne = (url: URL) => url.href.startsWith(`${emulator.url}/`);

/** Types the password on PingOne's (the emulator's) hosted page; resolves once back at `then`. */
async function signOnAtPingOne(page: Page, then: string) {
  await page.waitForURL(onPingOne);
  await page.fill('input[name="username"]', ada.username);
  await page.fill('input[name="password"]', emulator.demoPassword);
  await Promise.all([page.waitForURL(then), page.click('#next')]);
}

/** The PingOne session of the device row this page marks as its own. */
const currentSession = (page: Page) =>
  page.getAttribute('#devices .device:has-text("This device")', 'data-session-id');

describe('single sign-on between two apps, in Chromium', () => {
  let context: BrowserContext;
  let a: Page;
  let b: Page;
  beforeAll(async () => {
    context = await browser.newContext({ javaScriptEnabled: false });
    [a, b] = [await context.newPage(), await context.newPage()];
  });
  afterAll(() => context.close());

  it("signs in on app A on PingOne's page, and lands on the profile", async () => {
    clockOffset = -10 * 60_000; // a sign-on ten minutes old, for the step-up below
    await a.goto(`${appA}/`);
    await Promise.all([a.waitForURL(onPingOne), a.click('#sign-in')]);
    await signOnAtPingOne(a, `${appA}/profile`);
    clockOffset = 0;
    expect(await a.textContent('#user-id')).toBe(ada.id);
    const cookies = await context.cookies(appA);
    expect(cookies.map((cookie) => cookie.name)).toContain('pingone_session');
    expect(cookies.find((cookie) => cookie.name === 'ST')).toBeUndefined();
  });

  it('is signed in on app B without a password: one PingOne session for both', async () => {
    await b.goto(`${appB}/profile`);
    await b.waitForURL(`${appB}/profile`);
    expect(await b.textContent('#user-id')).toBe(ada.id);
    expect(await currentSession(b)).toBe(await currentSession(a));
  });

  it('asks again on a step-up on app A, and keeps the PingOne session', async () => {
    const before = await currentSession(a);
    await a.goto(`${appA}/security`);
    await a.waitForURL(onPingOne);
    expect(await a.textContent('h1')).toBe('Sign on again');
    await signOnAtPingOne(a, `${appA}/security`);
    expect(await a.textContent('h1')).toBe('Security settings');
    await a.goto(`${appA}/profile`);
    expect(await currentSession(a)).toBe(before);
  });

  it('signs app A out on its next request when app B signs out', async () => {
    await Promise.all([b.waitForURL(`${appB}/`), b.click('#sign-out')]);
    await b.waitForSelector('text=You are signed out.');
    await a.reload();
    await a.waitForURL(onPingOne);
    expect(await a.$('#user-id')).toBeNull();
  });

  it('shows nothing private on Back: the profile is asked for again, not taken from a cache', async () => {
    await a.goto(`${appA}/`);
    await a.waitForSelector('text=You are signed out.');
    await a.goBack();
    expect(await a.$('#user-id')).toBeNull();
  });
});
