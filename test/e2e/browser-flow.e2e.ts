import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_USERS, startEmulator, type Emulator } from '../../src/emulator';
import { parseUserAgent } from '../../src/emulator/user-agent';
import { createExampleApp } from '../../example-app/src/app';
import { emulatorOptions } from '../helpers/test-bed';

/*
 * A real browser (Debian's Chromium, driven by playwright-core; never a downloaded one) walks the
 * example app against the emulator: sign in, profile, sign out, Back, a second user, and a
 * cross-site logout attempt. No fixed sleeps: every step waits on a navigation or a selector.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../..');

let emulator: Emulator;
let app: Server;
let evil: Server;
let appUrl: string;
let evilUrl: string;
let browser: Browser;
let profileDir: string;

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  emulator = await startEmulator();
  app = createServer();
  const port = await listen(app);
  appUrl = `http://localhost:${port}`;
  app.on(
    'request',
    createExampleApp({
      signOnUrl: emulator.signOnUrl,
      publicUrl: appUrl,
      pingSession: { ...emulatorOptions(emulator), logger: false },
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
  // playwright-core gives every launch a fresh temporary user-data dir; the disk cache goes to a
  // fresh directory of ours too, so nothing carries over from an earlier run.
  profileDir = await mkdtemp(path.join(tmpdir(), 'pingone-e2e-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--disk-cache-dir=${profileDir}`,
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => app?.close(resolve));
  await new Promise((resolve) => evil?.close(resolve));
  await emulator?.close();
  await rm(profileDir, { recursive: true, force: true });
});

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${appUrl}/profile`);
  await page.waitForURL((url) => url.href.startsWith(emulator.signOnUrl));
  await Promise.all([
    page.waitForURL(`${appUrl}/profile`),
    page.click(`button[name="user"][value="${username}"]`),
  ]);
  return page;
}

const stCookie = async (context: BrowserContext) =>
  (await context.cookies(appUrl)).find((cookie) => cookie.name === 'ST');

describe('a person in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const ada = DEMO_USERS[0]!;
  const grace = DEMO_USERS[1]!;

  beforeAll(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('sees the home page signed out, and is sent to sign on for /profile', async () => {
    await page.goto(appUrl);
    await page.waitForSelector('text=You are signed out.');
    await page.goto(`${appUrl}/profile`);
    await page.waitForURL((url) => url.href.startsWith(emulator.signOnUrl));
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe(`${appUrl}/profile`);
  });

  it('signs on as a demo user and lands on /profile with their user, browser and expiry', async () => {
    await Promise.all([
      page.waitForURL(`${appUrl}/profile`),
      page.click(`button[name="user"][value="${ada.username}"]`),
    ]);
    expect(await page.textContent('#user-id')).toBe(ada.id);
    const reported = parseUserAgent(await page.evaluate<string>('navigator.userAgent')).browser
      .name;
    expect(await page.textContent('#browser')).toContain(reported);
    expect(await page.textContent('#expires')).toMatch(/^in \d+ minutes?$/);
    await mkdir(path.join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results/profile.png'), fullPage: true });
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
    const second = await browser.newContext();
    try {
      const gracePage = await signIn(second, grace.username);
      const token = (await stCookie(context))!.value;
      await Promise.all([page.waitForURL(`${appUrl}/`), page.click('text=Sign out')]);
      await page.waitForSelector('text=You are signed out.');
      expect(await stCookie(context)).toBeUndefined();
      expect(emulator.sessionState(token)).toBe('reset');

      // Back does not show the profile from the cache (no-store): it asks again and is sent
      // to sign on; so does reloading /profile.
      await page.goBack();
      await page.waitForURL((url) => url.href.startsWith(emulator.signOnUrl));
      expect(await page.$('#user-id')).toBeNull();
      await page.goto(`${appUrl}/profile`);
      await page.waitForURL((url) => url.href.startsWith(emulator.signOnUrl));

      // The other person, in another browser context, is still signed in.
      await gracePage.reload();
      expect(await gracePage.textContent('#user-id')).toBe(grace.id);
    } finally {
      await second.close();
    }
  });
});
