import express from 'express';
import request from 'supertest';
import { pingSession, type PingSessionOptions } from '../../src';
import { startTestBed, type TestBed } from '../helpers/test-bed';
import { startUpstreamServer } from '../helpers/upstream-server';

let bed: TestBed;
afterEach(() => bed.close());

const setCookies = (res: request.Response): string[] => {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : [];
};
const expired = (name: string) => (cookie: string) =>
  cookie.startsWith(`${name}=;`) && cookie.includes('Expires=Thu, 01 Jan 1970 00:00:00 GMT');

describe('POST /logout', () => {
  beforeEach(async () => {
    bed = await startTestBed();
  });

  it('resets the PingOne session and answers 204 to fetch callers', async () => {
    const { token } = bed.emulator.createSession();
    const res = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`);
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(token)).toBe('reset');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends the reset with exactly the headers of the reference page', async () => {
    const { token } = bed.emulator.createSession();
    await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}; other=1`)
      .send('ignored=1');
    const [reset] = bed.sessionCalls();
    expect(reset?.method).toBe('POST');
    expect(reset?.headers['content-type']).toBe('application/vnd.pingidentity.sso.session.logout');
    expect(reset?.headers.cookie).toBe(`ST=${token}`);
    expect(reset?.headers.authorization).toMatch(/^Bearer /);
    expect(reset?.body).toBe('');
  });

  it('sends an HTML form post to logout.returnTo with 303', async () => {
    const { token } = bed.emulator.createSession();
    const res = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`)
      .set('Accept', 'text/html')
      .set('Sec-Fetch-Mode', 'navigate')
      .type('form')
      .send('');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('clears the ST cookie with Path=/, HttpOnly and SameSite=Lax', async () => {
    const { token } = bed.emulator.createSession();
    const res = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`);
    const cleared = setCookies(res).find(expired('ST'));
    expect(cleared).toBeDefined();
    expect(cleared).toContain('Path=/');
    expect(cleared).toContain('HttpOnly');
    expect(cleared).toContain('SameSite=Lax');
  });

  it('leaves Secure off only on plain-http localhost', async () => {
    const local = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Host', 'localhost');
    expect(setCookies(local).find(expired('ST'))).not.toContain('Secure');
    const remote = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Host', 'app.example.com');
    expect(setCookies(remote).find(expired('ST'))).toContain('Secure');
  });

  it('counts a session PingOne no longer knows (404) as signed out', async () => {
    const res = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', 'ST=already-gone');
    expect(res.status).toBe(204);
    expect(setCookies(res).some(expired('ST'))).toBe(true);
  });

  it('clears the cookies and makes no upstream call when there is no token', async () => {
    const res = await request(bed.app).post('/logout').set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(204);
    expect(setCookies(res).some(expired('ST'))).toBe(true);
    expect(bed.sessionCalls()).toHaveLength(0);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])(
    'answers %s with 405 and Allow: POST',
    async (method) => {
      const { token } = bed.emulator.createSession();
      const res = await request(bed.app)
        [method.toLowerCase() as 'get']('/logout')
        .set('Cookie', `ST=${token}`);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body).toEqual({ error: 'method_not_allowed' });
      expect(bed.emulator.sessionState(token)).toBe('active');
    },
  );
});

describe('POST /logout in an app that read the body before it', () => {
  beforeEach(async () => {
    bed = await startTestBed();
  });
  const appWith = (before: express.RequestHandler) =>
    express()
      .use(before)
      .use(pingSession({ ...bed.emulator.options(), logger: false }));

  it.each([
    ['express.text()', express.text({ type: '*/*' })],
    ['express.raw()', express.raw({ type: '*/*' })],
  ])('signs out when %s read the body as it came', async (_name, parser) => {
    const { token } = bed.emulator.createSession();
    const res = await request(appWith(parser))
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`)
      .type('form')
      .send('everywhere=false')
      .timeout(5000);
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });

  it('answers 415 at once when something else consumed the body, and resets nothing', async () => {
    const { token } = bed.emulator.createSession();
    const consumed: express.RequestHandler = (req, _res, next) => {
      req.resume();
      req.once('end', () => next());
    };
    const res = await request(appWith(consumed))
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`)
      .type('form')
      .send('everywhere=false')
      .timeout(5000);
    expect(res.status).toBe(415);
    expect(bed.emulator.sessionState(token)).toBe('active');
  });
});

describe('logout options', () => {
  async function bedWith(options: PingSessionOptions) {
    bed = await startTestBed({ pingSession: options });
    return bed;
  }

  it('clears every name in logout.clearCookies with the configured Domain and Path', async () => {
    await bedWith({
      cookieDomain: 'example.com',
      cookiePath: '/app',
      logout: { clearCookies: ['app_sid', 'csrf'] },
    });
    const res = await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Host', 'www.example.com');
    for (const name of ['ST', 'app_sid', 'csrf']) {
      const cleared = setCookies(res).find(expired(name));
      expect(cleared).toContain('Domain=example.com');
      expect(cleared).toContain('Path=/app');
    }
  });

  it('answers on logout.path and sends forms to logout.returnTo', async () => {
    await bedWith({ logout: { path: '/auth/sign-out', returnTo: '/?signed-out' } });
    const res = await request(bed.app)
      .post('/auth/sign-out')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Accept', 'text/html');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?signed-out');
    expect((await request(bed.app).post('/logout')).status).toBe(404);
  });

  it('mounts no route with logout: false', async () => {
    await bedWith({ logout: false });
    const res = await request(bed.app).post('/logout').set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(404);
    expect(setCookies(res)).toHaveLength(0);
  });
});

describe('POST /logout when PingOne fails', () => {
  it('answers 502 logout_failed and still clears the cookies', async () => {
    const upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"id":"x","code":"UNEXPECTED_ERROR","message":"Unavailable"}');
    });
    try {
      bed = await startTestBed({ pingSession: { apiPath: `${upstream.url}/v1` } });
      const res = await request(bed.app)
        .post('/logout')
        .set('Sec-Fetch-Site', 'same-origin')
        .set('Cookie', 'ST=token-value-123');
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ error: 'logout_failed' });
      expect(res.text).not.toContain('token-value-123');
      expect(setCookies(res).some(expired('ST'))).toBe(true);
      expect(upstream.count()).toBe(1);
    } finally {
      await upstream.close();
    }
  });
});
