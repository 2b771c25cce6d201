import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { pingSession, type LogoutOptions } from '../../src';
import { startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

async function bedWith(logout: LogoutOptions = {}) {
  bed = await startTestBed({ pingSession: { logout } });
  return bed.emulator.createSession().token;
}

/** A logout post from a browser page, with the headers given (and none of the others). */
const logoutWith = (token: string, headers: Record<string, string>) => {
  const req = request(bed.app).post('/logout').set('Cookie', `ST=${token}`).set('Host', 'app.test');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req;
};

function expectRefused(res: request.Response, token: string) {
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: 'cross_site_request' });
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(bed.emulator.counts().sessionResets).toBe(0);
  expect(bed.emulator.sessionState(token)).toBe('active');
}

describe('a logout post from another site', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }],
    [
      'Sec-Fetch-Site: same-site',
      { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.app.test' },
    ],
    ['Sec-Fetch-Site: none', { 'Sec-Fetch-Site': 'none' }],
    ['a foreign Origin', { Origin: 'https://evil.test' }],
    ['Origin: null (a sandboxed frame)', { Origin: 'null' }],
    ['a foreign Referer', { Referer: 'https://evil.test/page' }],
    ['an Origin on another port', { Origin: 'http://app.test:8080' }],
  ])('is refused with 403, nothing reset or cleared, with %s', async (_case, headers) => {
    const token = await bedWith();
    expectRefused(await logoutWith(token, headers), token);
  });

  it('is reported to the logger with the reason', async () => {
    const token = await bedWith();
    await logoutWith(token, { Origin: 'https://evil.test' });
    expect(bed.logs.map((log) => log.details)).toEqual([
      { event: 'logout_refused', reason: 'cross_site' },
    ]);
  });

  it('is let through from an origin in logout.allowedOrigins', async () => {
    const token = await bedWith({ allowedOrigins: ['https://blog.app.test'] });
    const res = await logoutWith(token, {
      'Sec-Fetch-Site': 'same-site',
      Origin: 'https://blog.app.test',
    });
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });
});

describe('a logout post from this site', () => {
  it.each([
    ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin' }],
    [
      'Sec-Fetch-Site: same-origin and Origin: null (helmet)',
      { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' },
    ],
    ['its own Origin', { Origin: 'http://app.test' }],
    ['its own Origin in https behind a proxy', { Origin: 'https://app.test' }],
    ['its own Referer', { Referer: 'http://app.test/profile' }],
  ])('is let through with %s', async (_case, headers) => {
    const token = await bedWith();
    const res = await logoutWith(token, headers);
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });
});

describe('a logout post with no Sec-Fetch-Site, Origin or Referer (not a browser)', () => {
  it('is refused by default', async () => {
    const token = await bedWith();
    expectRefused(await logoutWith(token, {}), token);
    expect(bed.logs[0]?.details).toEqual({ event: 'logout_refused', reason: 'no_origin' });
  });

  it('is let through with logout.allowNoOrigin', async () => {
    const token = await bedWith({ allowNoOrigin: true });
    expect((await logoutWith(token, {})).status).toBe(204);
  });
});

describe('logout behind helmet with its defaults', () => {
  it("lets the app's own form post through with the headers a browser sends under no-referrer", async () => {
    bed = await startTestBed();
    const app = express();
    app.use(helmet());
    app.use(pingSession({ ...bed.emulator.options(), logger: false }));
    const { token } = bed.emulator.createSession();
    // Under Referrer-Policy: no-referrer a browser sends Origin: null and no Referer with a form
    // post, and Sec-Fetch-Site: same-origin.
    const res = await request(app)
      .post('/logout')
      .set('Cookie', `ST=${token}`)
      .set('Accept', 'text/html')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Sec-Fetch-Mode', 'navigate')
      .set('Origin', 'null');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.status).toBe(303);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });
});

describe('returnTo of a logout form post', () => {
  const formPost = (query: string, token = bed.emulator.createSession().token) =>
    request(bed.app)
      .post(`/logout${query}`)
      .set('Cookie', `ST=${token}`)
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Accept', 'text/html');

  it('sends the browser to a path on this site it names', async () => {
    await bedWith();
    expect((await formPost('?returnTo=%2Faccount%3Ftab%3D1')).headers.location).toBe(
      '/account?tab=1',
    );
  });

  it('sends the browser to an origin in logout.allowedReturnTo', async () => {
    await bedWith({ allowedReturnTo: ['https://www.trusted.test'] });
    const res = await formPost(`?returnTo=${encodeURIComponent('https://www.trusted.test/bye')}`);
    expect(res.headers.location).toBe('https://www.trusted.test/bye');
  });

  it('keeps a percent-encoded CRLF encoded: a path on this site, no header injected', async () => {
    await bedWith();
    const res = await formPost(`?returnTo=${encodeURIComponent('/%0d%0aSet-Cookie:x=1')}`);
    expect(res.headers.location).toBe('/%0d%0aSet-Cookie:x=1');
    const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(cookies.filter((cookie) => !cookie.startsWith('ST=;'))).toEqual([]);
  });

  it.each([
    '//evil.test',
    '/\\evil.test',
    '\\\\evil.test',
    'https://evil.test/',
    'https://www.trusted.test@evil.test/',
    'javascript:alert(1)',
    '%2F%2Fevil.test',
    '/ok\r\nSet-Cookie: x=1',
  ])('falls back to logout.returnTo for %j', async (returnTo) => {
    await bedWith({ returnTo: '/signed-out', allowedReturnTo: ['https://www.trusted.test'] });
    const res = await formPost(`?returnTo=${encodeURIComponent(returnTo)}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signed-out');
    const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(cookies.filter((cookie) => !cookie.startsWith('ST=;'))).toEqual([]);
  });
});
