import http from 'node:http';
import type { AddressInfo } from 'node:net';
import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { pingSession, requireSession, type PingSessionOptions } from '../../src';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server';

let bed: TestBed;
afterEach(() => bed.close());

/** Like the test bed's app, with cookie-parser mounted before pingSession(). */
function appWithCookieParser() {
  const app = express();
  app.use(cookieParser());
  app.use(pingSession({ ...bed.emulator.options(), logger: false }));
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  return app;
}

describe('pingSession() with a valid session token cookie', () => {
  beforeEach(async () => {
    bed = await startTestBed();
  });

  it('attaches the session PingOne returns to req.pingSession', async () => {
    const { token, session } = bed.emulator.createSession({ user: 'ada' });
    const res = await request(bed.app).get('/me').set('Cookie', `ST=${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(session);
  });

  it('forwards only the session token, never the other cookies or browser headers', async () => {
    const { token } = bed.emulator.createSession();
    await request(bed.app)
      .get('/me')
      .set('Cookie', `theme=dark; ST=${token}; app_sid=secret-app-cookie`)
      .set('User-Agent', 'browser-agent/1.0')
      .set('X-Forwarded-For', '203.0.113.9')
      .set('Authorization', 'Bearer browser-supplied');
    const [read] = bed.sessionCalls();
    expect(read?.headers.cookie).toBe(`ST=${token}`);
    expect(read?.headers['user-agent']).not.toBe('browser-agent/1.0');
    expect(read?.headers['x-forwarded-for']).toBeUndefined();
    expect(read?.headers.authorization).not.toBe('Bearer browser-supplied');
  });

  it('reads the token from req.cookies when cookie-parser ran first', async () => {
    const { token, session } = bed.emulator.createSession();
    const app = appWithCookieParser();
    const res = await request(app).get('/me').set('Cookie', `ST=${token}`);
    expect(res.body).toEqual(session);
  });

  it('makes no upstream call when cookie-parser decoded the token into a CRLF', async () => {
    const app = appWithCookieParser();
    const res = await request(app).get('/me').set('Cookie', 'ST=abc%0d%0aX-Evil:%201');
    expect(res.body).toBeNull();
    expect(bed.sessionCalls()).toHaveLength(0);
  });
});

describe('pingSession() without a usable session', () => {
  beforeEach(async () => {
    bed = await startTestBed();
  });

  it('leaves req.pingSession undefined and calls PingOne not at all when there is no cookie', async () => {
    const res = await request(bed.app).get('/me');
    expect(res.body).toBeNull();
    expect(bed.emulator.requests).toHaveLength(0);
  });

  it('leaves req.pingSession undefined for a token PingOne does not know', async () => {
    const res = await request(bed.app).get('/me').set('Cookie', 'ST=never-issued');
    expect(res.body).toBeNull();
    expect(bed.sessionCalls()).toHaveLength(1);
  });

  it('leaves req.pingSession undefined once the session was reset at PingOne', async () => {
    const { token } = bed.emulator.createSession();
    await signOut(bed.app, token);
    const res = await request(bed.app).get('/me').set('Cookie', `ST=${token}`);
    expect(res.body).toBeNull();
  });

  it.each([
    ['too long', 'a'.repeat(4097)],
    ['with a double quote', 'abc"def'],
    ['with a backslash', 'abc\\def'],
    ['with a comma', 'abc,def'],
    ['with a space inside', 'abc def'],
  ])('makes no upstream call for a token %s', async (_case, value) => {
    const res = await request(bed.app).get('/me').set('Cookie', `ST=${value}`);
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    expect(bed.sessionCalls()).toHaveLength(0);
  });
});

describe('pingSession() and session expiry', () => {
  it('drops a session once PingOne says its idle timeout has passed', async () => {
    let now = Date.now();
    bed = await startTestBed({
      emulator: { now: () => now, idleTimeoutInMinutes: 30 },
      pingSession: { cache: false },
    });
    const { token } = bed.emulator.createSession();
    expect((await request(bed.app).get('/me').set('Cookie', `ST=${token}`)).body).not.toBeNull();
    now += 30 * 60_000;
    expect((await request(bed.app).get('/me').set('Cookie', `ST=${token}`)).body).toBeNull();
  });
});

describe('pingSession() with a custom cookie name', () => {
  it('reads that cookie and still sends it to PingOne as ST', async () => {
    bed = await startTestBed({ pingSession: { cookieName: 'pingone_st' } });
    const { token, session } = bed.emulator.createSession();
    const res = await request(bed.app).get('/me').set('Cookie', `ST=other; pingone_st=${token}`);
    expect(res.body).toEqual(session);
    expect(bed.sessionCalls()[0]?.headers.cookie).toBe(`ST=${token}`);
  });
});

describe('pingSession() when PingOne fails', () => {
  let upstream: UpstreamServer;
  afterEach(() => upstream.close());

  async function appAgainstFailingPingOne(onUpstreamError?: PingSessionOptions['onUpstreamError']) {
    upstream = await startUpstreamServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"id":"x","code":"UNEXPECTED_ERROR","message":"Internal error"}');
    });
    bed = await startTestBed({
      pingSession: { apiPath: `${upstream.url}/v1`, onUpstreamError, retry: false },
    });
    bed.app.get('/status', (req, res) => res.json(req.pingSessionStatus ?? null));
    bed.app.get('/account', requireSession({ loginUrl: '/login' }), (_req, res) => res.end());
    return bed.app;
  }

  describe('by default (degrade)', () => {
    it('lets public pages answer, with no session and the status unavailable', async () => {
      const app = await appAgainstFailingPingOne();
      const me = await request(app).get('/me').set('Cookie', 'ST=some-token');
      expect([me.status, me.body]).toEqual([200, null]);
      const status = await request(app).get('/status').set('Cookie', 'ST=some-token');
      expect(status.body).toBe('unavailable');
    });

    it('answers protected routes 503 pingone_unavailable with Retry-After, never 401', async () => {
      const app = await appAgainstFailingPingOne();
      const res = await request(app).get('/private').set('Cookie', 'ST=some-token');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'pingone_unavailable' });
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).not.toContain('some-token');
    });

    it('never sends a browser to sign in again: a signed-in user was not signed out', async () => {
      const app = await appAgainstFailingPingOne();
      const res = await request(app)
        .get('/account')
        .set('Cookie', 'ST=some-token')
        .set('Sec-Fetch-Mode', 'navigate');
      expect(res.status).toBe(503);
      expect(res.headers.location).toBeUndefined();
    });
  });

  it('answers every route 503 with Retry-After under fail-closed', async () => {
    const app = await appAgainstFailingPingOne('fail-closed');
    const res = await request(app).get('/me').set('Cookie', 'ST=some-token');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'pingone_unavailable' });
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('goes on as if there were no session under fail-open', async () => {
    const app = await appAgainstFailingPingOne('fail-open');
    expect((await request(app).get('/me').set('Cookie', 'ST=some-token')).body).toBeNull();
    expect((await request(app).get('/status').set('Cookie', 'ST=some-token')).body).toBe('none');
    expect((await request(app).get('/private').set('Cookie', 'ST=some-token')).status).toBe(401);
  });
});

describe('req.pingSessionStatus', () => {
  beforeEach(async () => {
    bed = await startTestBed();
    bed.app.get('/status', (req, res) => res.json(req.pingSessionStatus ?? null));
  });

  it('is valid with a session', async () => {
    const { token } = bed.emulator.createSession();
    expect((await request(bed.app).get('/status').set('Cookie', `ST=${token}`)).body).toBe('valid');
  });

  it('is none for a token PingOne does not know, and without a cookie', async () => {
    expect((await request(bed.app).get('/status').set('Cookie', 'ST=unknown')).body).toBe('none');
    expect((await request(bed.app).get('/status')).body).toBe('none');
  });
});

describe('pingSession() on a keep-alive connection', () => {
  it('reads each request by its own token when the tokens change between requests', async () => {
    bed = await startTestBed();
    const ada = bed.emulator.createSession({ user: 'ada' });
    const grace = bed.emulator.createSession({ user: 'grace' });
    const server = bed.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const me = (token: string) =>
      new Promise<{ body: { id: string } | null; socket: unknown }>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port: (server.address() as AddressInfo).port,
            path: '/me',
            agent,
            headers: { cookie: `ST=${token}` },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ body: JSON.parse(text), socket: req.socket }));
          },
        );
        req.on('error', reject);
      });
    try {
      const first = await me(ada.token);
      const second = await me(grace.token);
      const third = await me(ada.token);
      expect(second.socket).toBe(first.socket);
      expect([first.body?.id, second.body?.id, third.body?.id]).toEqual([
        ada.session.id,
        grace.session.id,
        ada.session.id,
      ]);
    } finally {
      agent.destroy();
      server.close();
    }
  });
});

describe('req.pingSession', () => {
  it('is seen by routes of a mounted sub-app and router', async () => {
    bed = await startTestBed();
    const { token, session } = bed.emulator.createSession();
    const sub = express();
    sub.get('/me', (req, res) => res.json(req.pingSession ?? null));
    const router = express.Router();
    router.get('/me', (req, res) => res.json(req.pingSession ?? null));
    bed.app.use('/sub', sub);
    bed.app.use('/router', router);
    for (const path of ['/sub/me', '/router/me']) {
      const res = await request(bed.app).get(path).set('Cookie', `ST=${token}`);
      expect(res.body).toEqual(session);
    }
  });

  it('is not carried from one request to the next', async () => {
    bed = await startTestBed();
    const { token } = bed.emulator.createSession();
    await request(bed.app).get('/me').set('Cookie', `ST=${token}`);
    expect((await request(bed.app).get('/me')).body).toBeNull();
  });
});
