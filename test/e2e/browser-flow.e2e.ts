import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_USERS, startEmulator, type Emulator } from '../../src/emulator';
import { parseUserAgent } from '../../src/emulator/user-agent';
import { createExampleApp } from '../../example-app/src/app';
import { launchChromium } from '../helpers/chromium';
import { signInOptions } from '../helpers/test-bed';

/*
 * A real browser (Debian's Chromium, driven by playwright-core; never a downloaded one), with
 * JavaScript off, walks the example app against the emulator: sign in through the app's own
 * forms (password; password and one-time code), a wrong password, a locked account, a flow that
 * expires and restarts, profile, sign out, Back, a second user, and a cross-site logout attempt;
 * then one person on two devices: greeted by name, one device signed out from the other, and
 * "Sign out everywhere".
 * No fixed sleeps: every step waits on a navigation or a selector.
 */
const WRONG_PASSWORD = 'wrong-password-e2e';
const ROOT = path.resolve(__dirname, '../..');

let emulator: Emulator;
let app: Server;
let evil: Server;
let appUrl: string;
let evilUrl: string;
let browser: Browser;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
/** Added to the emulator's clock: moves PingOne's time on, to expire a flow. */
let clockOffset = 0;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Date.now() + clockOffset, lockoutFailures: 3 });
  app = createServer();
  const port = await listen(app);
  appUrl = `http://localhost:${port}`;
  app.on(
    'request',
    createExampleApp({
      publicUrl: appUrl,
      pingSession: {
        ...emulator.options(),
        // Every test signs in from the same address, more often than a person would.
        signIn: { ...signInOptions(emulator), limits: { guessesPerAddress: 200 } },
        logger: false,
      },
    }),
  );
  // Another origin (another port of localhost): a page that posts a sign-out form to the app.
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(
      `<!doctype html><form method="post" action="${appUrl}/logout"><button id="go">Win a prize</button></form>`,
    );
  });
  evilUrl = `http://localhost:${await listen(evil)}`;
  chromium = await launchChromium();
  browser = chromium.browser;
});

afterAll(async () => {
  await chromium?.close();
  await new Promise((resolve) => app?.close(resolve));
  await new Promise((resolve) => evil?.close(resolve));
  await emulator?.close();
});

const SIGN_IN = (url: URL) => url.pathname === '/signin';

/** Types into the app's own sign-in form and submits it; resolves once the next page loaded. */
async function submitPassword(page: Page, username: string, password: string) {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

async function submitOtp(page: Page, username: string) {
  await page.fill('input[name="otp"]', emulator.lastOtp(username)!);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

/** A person in their own browser context (JavaScript off) who signs in and lands on /profile. */
async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appUrl}/profile`);
  await page.waitForURL(SIGN_IN);
  await submitPassword(page, username, emulator.demoPassword);
  if (DEMO_USERS.find((user) => user.username === username)!.devices.length > 0) {
    await submitOtp(page, username);
  }
  await page.waitForURL(`${appUrl}/profile`);
  return page;
}

const newContext = () => browser.newContext({ javaScriptEnabled: false });

const stCookie = async (context: BrowserContext) =>
  (await context.cookies(appUrl)).find((cookie) => cookie.name === 'ST');

describe('a person in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const ada = DEMO_USERS[0]!;
  const grace = DEMO_USERS[1]!;

  beforeAll(async () => {
    context = await newContext();
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it("sees the home page signed out, and is sent to the app's sign-in page for /profile", async () => {
    await page.goto(appUrl);
    await page.waitForSelector('text=You are signed out.');
    await page.goto(`${appUrl}/profile`);
    await page.waitForURL(SIGN_IN);
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/profile');
    await page.waitForSelector('input[name="username"]');
  });

  it('signs in with a password and lands on /profile with ST set on the app host only', async () => {
    await submitPassword(page, ada.username, emulator.demoPassword);
    await page.waitForURL(`${appUrl}/profile`);
    expect(await page.textContent('#user-id')).toBe(ada.id);
    // The server passed the browser's User-Agent on to PingOne, whose session now describes it.
    const authorize = emulator.requests.find((r) => r.url.includes('/as/authorize'))!;
    const reported = parseUserAgent(String(authorize.headers['user-agent'])).browser.name;
    expect(await page.textContent('#browser')).toContain(reported);
    expect(await page.textContent('#expires')).toMatch(/^in \d+ minutes?$/);
    // One ST in the whole browser: the app's own, on its host and Path=/. PingOne's cookie
    // (Path=/{envID}, SameSite=None) never reached the browser.
    const sts = (await context.cookies()).filter((cookie) => cookie.name === 'ST');
    expect(sts).toEqual([
      expect.objectContaining({ domain: 'localhost', path: '/', httpOnly: true, sameSite: 'Lax' }),
    ]);
    // The README's picture is this screenshot: each run renews docs/profile.png, so a page that
    // changed shows up in git status, to be committed with the change.
    await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
    const shot = await page.screenshot({ fullPage: true });
    await writeFile(path.join(ROOT, 'test-results/profile.png'), shot);
    await writeFile(path.join(ROOT, 'docs/profile.png'), shot);
  });
  it('is not signed out by a form on another site posting to /logout', async () => {
    const other = await context.newPage();
    await other.goto(evilUrl);
    const [answer] = await Promise.all([other.waitForNavigation(), other.click('#go')]);
    expect(answer?.status()).toBe(403);
    const token = (await stCookie(context))?.value;
    expect(token).toBeDefined();
    expect(emulator.sessionState(token!)).toBe('active');
    await page.reload();
    expect(await page.textContent('#user-id')).toBe(ada.id);
    await other.close();
  });

  it('signs out with the button: home, signed out, ST gone, session reset at PingOne', async () => {
    const second = await newContext();
    try {
      const gracePage = await signIn(second, grace.username);
      const token = (await stCookie(context))!.value;
      await Promise.all([page.waitForURL(`${appUrl}/`), page.click('#sign-out')]);
      await page.waitForSelector('text=You are signed out.');
      expect(await stCookie(context)).toBeUndefined();
      expect(emulator.sessionState(token)).toBe('reset');

      // Back does not show the profile from the cache (no-store): it asks again and is sent
      // to sign on; so does reloading /profile.
      await page.goBack();
      await page.waitForURL(SIGN_IN);
      expect(await page.$('#user-id')).toBeNull();
      await page.goto(`${appUrl}/profile`);
      await page.waitForURL(SIGN_IN);

      // The other person, in another browser context, is still signed in.
      await gracePage.reload();
      expect(await gracePage.textContent('#user-id')).toBe(grace.id);
    } finally {
      await second.close();
    }
  });
});

describe('a person signed in on two devices', () => {
  let laptop: BrowserContext;
  let phone: BrowserContext;
  beforeEach(async () => {
    [laptop, phone] = [await newContext(), await newContext()];
  });
  afterEach(async () => {
    await laptop.close();
    await phone.close();
  });

  it('is greeted by name and sees both devices, this one marked', async () => {
    const page = await signIn(laptop, 'ada');
    await signIn(phone, 'ada');
    await page.reload();
    expect(await page.textContent('h1 #display-name')).toBe('Ada');
    const devices = await page.$$('#devices .device');
    expect(devices.length).toBeGreaterThanOrEqual(2);
    expect(
      await page.$$eval('#devices .device', (rows) => rows.map((row) => row.textContent)),
    ).toEqual(expect.arrayContaining([expect.stringContaining('This device')]));
  });

  it('signs the phone out from the laptop, and the phone is sent to sign in', async () => {
    const laptopPage = await signIn(laptop, 'ada');
    const phonePage = await signIn(phone, 'ada');
    const phoneToken = (await stCookie(phone))!.value;
    // The laptop's list was rendered before the phone signed in.
    await laptopPage.reload();
    const phoneRow = laptopPage
      .locator('#devices .device', { hasNot: laptopPage.locator('text=This device') })
      .first();
    await Promise.all([laptopPage.waitForNavigation(), phoneRow.locator('button').click()]);
    expect(emulator.sessionState(phoneToken)).toBe('reset');
    await phonePage.reload();
    await phonePage.waitForURL(SIGN_IN);
    await laptopPage.reload();
    expect(await laptopPage.textContent('h1 #display-name')).toBe('Ada');
  });

  it('signs out everywhere: both devices are sent to sign in', async () => {
    const laptopPage = await signIn(laptop, 'grace');
    const phonePage = await signIn(phone, 'grace');
    const tokens = [(await stCookie(laptop))!.value, (await stCookie(phone))!.value];
    await Promise.all([
      laptopPage.waitForURL(`${appUrl}/`),
      laptopPage.click('#sign-out-everywhere'),
    ]);
    await laptopPage.waitForSelector('text=You are signed out.');
    for (const token of tokens) expect(emulator.sessionState(token)).toBe('reset');
    await phonePage.reload();
    await phonePage.waitForURL(SIGN_IN);
  });
});

describe('a sign-in that does not go straight through', () => {
  let context: BrowserContext;
  let page: Page;
  beforeEach(async () => {
    context = await newContext();
    page = await context.newPage();
    await page.goto(`${appUrl}/signin?returnTo=%2Fprofile`);
  });
  afterEach(() => context.close());

  it('asks the OTP user for the code PingOne sent, then lands on /profile', async () => {
    await submitPassword(page, 'grace', emulator.demoPassword);
    await page.waitForSelector('text=Signing in as grace');
    expect(await stCookie(context)).toBeUndefined();
    await submitOtp(page, 'grace');
    await page.waitForURL(`${appUrl}/profile`);
    expect(await page.textContent('#user-id')).toBe(DEMO_USERS[1]!.id);
  });

  it('says so when the password is wrong, and stays on the sign-in page', async () => {
    await submitPassword(page, 'ada', WRONG_PASSWORD);
    await page.waitForURL(SIGN_IN);
    expect(await page.textContent('#signin-error')).toBe('Wrong username or password.');
    expect(await stCookie(context)).toBeUndefined();
  });

  it('says the account is locked after repeated wrong passwords, and for how long', async () => {
    for (let i = 0; i < 3; i += 1) await submitPassword(page, 'hedy', WRONG_PASSWORD);
    expect(await page.textContent('#signin-error')).toBe(
      'This account is locked after too many wrong passwords. Try again in 15 minutes.',
    );
  });

  it('starts again cleanly after the flow expired at PingOne', async () => {
    await submitPassword(page, 'grace', emulator.demoPassword);
    await page.waitForSelector('input[name="otp"]');
    clockOffset += 15 * 60_000;
    await submitOtp(page, 'grace');
    expect(await page.textContent('#signin-error')).toBe(
      'That sign-in took too long and has expired. Please start again.',
    );
    await submitPassword(page, 'grace', emulator.demoPassword);
    await submitOtp(page, 'grace');
    await page.waitForURL(`${appUrl}/profile`);
    expect(await page.textContent('#user-id')).toBe(DEMO_USERS[1]!.id);
  });
});
