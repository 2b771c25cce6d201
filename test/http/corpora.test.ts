import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { pingSession, requireSession } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';

/*
 * Public attack lists (test/fixtures/corpora, from PayloadsAllTheThings), fed as an attacker sends
 * them: as the returnTo of a logout form post, and as the URL of a request that requireSession()
 * redirects to sign-in. Whatever the payload: a Location on the app's own origin (or the one it
 * trusts) as a browser resolves it, no header the app did not mean to send, and no 5xx.
 */
const corpus = (name: string) =>
  readFileSync(path.resolve(__dirname, '../fixtures/corpora', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
const PAYLOADS = [
  ...corpus('open-redirect-payloads.txt'),
  ...corpus('crlf-injection-payloads.txt'),
];

const ORIGIN = 'http://app.test';
const TRUSTED = 'https://www.whitelisteddomain.tld';

let emulator: Emulator;
let app: express.Express;
beforeAll(async () => {
  emulator = await startEmulator();
  app = express();
  app.use(
    pingSession({
      ...emulator.options(),
      logger: false,
      logout: { allowedReturnTo: [TRUSTED] },
    }),
  );
  app.use(requireSession({ loginUrl: '/login' }));
});
afterAll(() => emulator.close());

function expectSafeAnswer(res: request.Response) {
  expect(res.status).toBeLessThan(500);
  const location = res.headers.location as string | undefined;
  if (location !== undefined) {
    expect([ORIGIN, TRUSTED]).toContain(new URL(location, ORIGIN).origin);
  }
  const injected = Object.keys(res.headers).filter((name) => /crlf|injection/i.test(name));
  expect(injected).toEqual([]);
  const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  expect(cookies.filter((cookie) => !cookie.startsWith('ST=;'))).toEqual([]);
}

describe('open-redirect and CRLF payloads', () => {
  it('are loaded', () => {
    expect(PAYLOADS.length).toBeGreaterThan(200);
  });

  it.each(PAYLOADS)('as a logout returnTo: %s', async (payload) => {
    const { token } = emulator.createSession();
    const res = await request(app)
      .post(`/logout?returnTo=${payload}`)
      .set('Host', 'app.test')
      .set('Cookie', `ST=${token}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expectSafeAnswer(res);
  });

  it.each(PAYLOADS)('in the URL of a request sent to sign-in: %s', async (payload) => {
    const target = payload.startsWith('/') ? payload : `/${payload}`;
    const res = await request(app).get(target).set('Host', 'app.test').set('Accept', 'text/html');
    expectSafeAnswer(res);
    if (res.status === 302) {
      const location = new URL(res.headers.location as string, ORIGIN);
      expect(location.pathname).toBe('/login');
      const returnTo = location.searchParams.get('returnTo') ?? '';
      expect(new URL(returnTo, ORIGIN).origin).toBe(ORIGIN);
    }
  });
});
