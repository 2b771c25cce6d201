import express from 'express';
import request from 'supertest';
import { ConfigError, pingSession, requireSession } from '../../src';
import { startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

async function appWithLogin(loginUrl: string) {
  bed = await startTestBed();
  const app = express();
  app.use(pingSession(bed.emulator.options()));
  // A regular expression: Express 4 and 5 read it alike (their wildcard syntaxes differ).
  app.get(/^\/account\//, requireSession({ loginUrl }), (_req, res) => res.send('secret page'));
  return app;
}

describe('requireSession()', () => {
  it('lets a request with a valid session through', async () => {
    bed = await startTestBed();
    const { token, session } = bed.emulator.createSession();
    const res = await request(bed.app).get('/private').set('Cookie', `ST=${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: session.user.id });
  });

  it('answers 401 {"error":"unauthenticated"} with no-store when there is no session', async () => {
    bed = await startTestBed();
    const res = await request(bed.app).get('/private');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthenticated' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 to a browser navigation when no loginUrl is set', async () => {
    bed = await startTestBed();
    const res = await request(bed.app).get('/private').set('Accept', 'text/html');
    expect(res.status).toBe(401);
  });

  it('redirects a browser navigation to loginUrl with the original URL as returnTo', async () => {
    const app = await appWithLogin('/login');
    const res = await request(app)
      .get('/account/orders?page=2')
      .set('Accept', 'text/html,application/xhtml+xml')
      .set('Sec-Fetch-Mode', 'navigate');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(
      `/login?returnTo=${encodeURIComponent('/account/orders?page=2')}`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('appends returnTo to a loginUrl that has a query already', async () => {
    const app = await appWithLogin('https://sso.example.com/signon?app=shop');
    const res = await request(app).get('/account/x').set('Accept', 'text/html');
    expect(res.headers.location).toBe(
      'https://sso.example.com/signon?app=shop&returnTo=%2Faccount%2Fx',
    );
  });

  it('answers 401, not a redirect, to fetch calls that accept anything', async () => {
    const app = await appWithLogin('/login');
    const res = await request(app)
      .get('/account/x')
      .set('Accept', '*/*')
      .set('Sec-Fetch-Mode', 'cors');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthenticated' });
  });

  it('puts "/" as returnTo when the requested URL could lead off the site', async () => {
    const app = await appWithLogin('/login');
    const res = await request(app).get('/account/..//evil.example').set('Accept', 'text/html');
    expect(res.status).toBe(302);
    expect(
      new URL(res.headers.location!, 'http://app.test').searchParams.get('returnTo'),
    ).not.toMatch(/^\/\//);
  });

  it('fails loudly when pingSession() is not mounted before it', async () => {
    bed = await startTestBed();
    const app = express();
    app.get('/x', requireSession(), (_req, res) => res.send('never'));
    app.use(
      (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).json({ message: err.message });
      },
    );
    const res = await request(app).get('/x');
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/pingSession\(\) mounted before/);
  });

  it.each([['//evil.example/login'], ['javascript:alert(1)'], ['https://x.example/login#frag']])(
    'refuses loginUrl %s at start-up',
    (loginUrl) => {
      expect(() => requireSession({ loginUrl })).toThrow(
        expect.objectContaining({ code: 'ERR_PINGONE_LOGIN_URL' }),
      );
    },
  );

  it('refuses unknown options at start-up', () => {
    expect(() => requireSession({ loginURL: '/login' } as never)).toThrow(ConfigError);
  });
});
