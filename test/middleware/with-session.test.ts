import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { ConfigError, pingSession, withSession } from '../../src';
import { startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

/** Answers what reached Express's error handling, as `500 {"caught": message}`. */
const reportError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
  res.status(500).json({ caught: error.message });
};
const asUser = (path: string, token: string) =>
  request(bed.app).get(path).set('Cookie', `ST=${token}`);

describe('withSession(handler)', () => {
  it('runs the handler with the session of a signed-in request', async () => {
    bed = await startTestBed();
    bed.app.get(
      '/orders',
      withSession((req, res) => res.json({ user: req.pingSession.user.id })),
    );
    const { token, session } = bed.emulator.createSession();
    const res = await asUser('/orders', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: session.user.id });
  });

  it('answers 401 unauthenticated without running the handler when there is no session', async () => {
    bed = await startTestBed();
    const ran = jest.fn();
    bed.app.get('/orders', withSession(ran));
    const res = await request(bed.app).get('/orders');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthenticated' });
    expect(ran).not.toHaveBeenCalled();
  });

  it("applies requireSession()'s options, such as a step-up", async () => {
    bed = await startTestBed();
    bed.app.post(
      '/password',
      withSession({ maxAuthAgeSeconds: 300 }, (_req, res) => res.send('changed')),
    );
    const { token } = bed.emulator.createSession({ signedOnAt: Date.now() - 600_000 });
    const res = await request(bed.app).post('/password').set('Cookie', `ST=${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'step_up_required', maxAuthAgeSeconds: 300 });
  });

  it('sends a rejected promise of an async handler to the error handler', async () => {
    bed = await startTestBed();
    bed.app.get(
      '/orders',
      withSession(async () => {
        await Promise.resolve();
        throw new Error('orders database away');
      }),
    );
    bed.app.use(reportError);
    const res = await asUser('/orders', bed.emulator.createSession().token);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ caught: 'orders database away' });
  });

  it('sends what a handler throws to the error handler', async () => {
    bed = await startTestBed();
    bed.app.get(
      '/orders',
      withSession(() => {
        throw new Error('bad order');
      }),
    );
    bed.app.use(reportError);
    const res = await asUser('/orders', bed.emulator.createSession().token);
    expect(res.body).toEqual({ caught: 'bad order' });
  });

  it('lets the handler pass the request on with next()', async () => {
    bed = await startTestBed();
    bed.app.get(
      '/orders',
      withSession((_req, _res, next) => next()),
      (_req, res) => res.send('next handler'),
    );
    expect((await asUser('/orders', bed.emulator.createSession().token)).text).toBe('next handler');
  });

  it('says pingSession() is missing when it is not mounted', async () => {
    const app = express();
    app.get(
      '/orders',
      withSession((_req, res) => res.send('never')),
    );
    app.use(reportError);
    const res = await request(app).get('/orders');
    expect(res.body).toEqual({ caught: 'requireSession() needs pingSession() mounted before it.' });
  });

  it('refuses a call without a handler at start-up', () => {
    expect(() => withSession({ loginUrl: '/login' } as never)).toThrow(ConfigError);
    expect(() => withSession({ loginUrl: '/login' } as never)).toThrow(/ERR_PINGONE_HANDLER/);
  });

  it("refuses requireSession()'s bad options at start-up, naming them", () => {
    expect(() => withSession({ loginUrl: '//evil.example' }, () => undefined)).toThrow(
      /ERR_PINGONE_LOGIN_URL/,
    );
  });

  it('works behind a pingSession() of its own app', async () => {
    bed = await startTestBed();
    const app = express();
    app.use(pingSession(bed.emulator.options()));
    app.get(
      '/users/:id',
      withSession((req, res) => res.json({ asked: req.params.id, user: req.pingSession.user.id })),
    );
    const { token, session } = bed.emulator.createSession();
    const res = await request(app).get('/users/42').set('Cookie', `ST=${token}`);
    expect(res.body).toEqual({ asked: '42', user: session.user.id });
  });
});
