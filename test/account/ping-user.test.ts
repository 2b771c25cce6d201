import express from 'express';
import request from 'supertest';
import { AccountError, PingOneError } from '../../src';
import { DEMO_USERS } from '../../src/emulator/demo-users';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { sleep } from '../helpers/wait';

let bed: TestBed;
afterEach(() => bed.close());

const userReads = () => bed.emulator.requests.filter((r) => /\/users\/[^/]+$/.test(r.url)).length;

/** A bed whose `GET /user` answers `req.pingUser()`, called `times` in the request. */
async function userBed(options: Parameters<typeof startTestBed>[0] = {}, times = 1) {
  bed = await startTestBed(options);
  bed.app.get('/user', async (req, res) => {
    try {
      const users = await Promise.all(Array.from({ length: times }, () => req.pingUser()));
      res.json(users[0] ?? null);
    } catch (error) {
      res.status(503).json({ error: (error as Error).name, code: (error as PingOneError).code });
    }
  });
}
const getUser = (token?: string) => {
  const req = request(bed.app).get('/user');
  return token === undefined ? req : req.set('Cookie', `ST=${token}`);
};

describe('req.pingUser()', () => {
  it("resolves to the signed-in user's PingOne record, name and email typed", async () => {
    await userBed();
    const { token } = bed.emulator.createSession({ user: 'ada' });
    const res = await getUser(token);
    expect(res.body).toMatchObject({
      id: DEMO_USERS[0]!.id,
      username: 'ada',
      email: 'ada@example.com',
      name: { given: 'Ada', family: 'Lovelace' },
    });
  });

  it('resolves to undefined without a session, without asking PingOne', async () => {
    await userBed();
    expect((await getUser()).body).toBeNull();
    expect(userReads()).toBe(0);
  });

  it('asks PingOne once for several calls in one request', async () => {
    await userBed({}, 3);
    await getUser(bed.emulator.createSession({ user: 'ada' }).token);
    expect(userReads()).toBe(1);
  });

  it('is kept while the session lasts: later requests do not ask PingOne again', async () => {
    await userBed();
    const { token } = bed.emulator.createSession({ user: 'grace' });
    await getUser(token);
    const again = await getUser(token);
    expect(again.body.username).toBe('grace');
    expect(userReads()).toBe(1);
  });

  it('is read afresh once cache.userTtlMs has passed: a change at PingOne shows', async () => {
    await userBed({ pingSession: { cache: { userTtlMs: 30 } } });
    const { token } = bed.emulator.createSession({ user: 'grace' });
    await getUser(token);
    await sleep(80);
    await getUser(token);
    expect(userReads()).toBe(2);
  });

  it("is read afresh for the same user's next session: a new sign-in sees PingOne's record", async () => {
    await userBed();
    await getUser(bed.emulator.createSession({ user: 'grace' }).token);
    await getUser(bed.emulator.createSession({ user: 'grace' }).token);
    expect(userReads()).toBe(2);
  });

  it('is read again after a logout and a new sign-in', async () => {
    await userBed();
    const first = bed.emulator.createSession({ user: 'grace' });
    await getUser(first.token);
    expect((await signOut(bed.app, first.token)).status).toBe(204);
    await getUser(bed.emulator.createSession({ user: 'grace' }).token);
    expect(userReads()).toBe(2);
  });

  it('asks PingOne every time with cache: false', async () => {
    await userBed({ pingSession: { cache: false } });
    const { token } = bed.emulator.createSession({ user: 'grace' });
    await getUser(token);
    await getUser(token);
    expect(userReads()).toBe(2);
  });

  it('resolves to undefined when PingOne no longer has the user', async () => {
    await userBed();
    const { token } = bed.emulator.createSession({ user: '1f1f1f1f-0000-4000-8000-000000000000' });
    expect((await getUser(token)).body).toBeNull();
  });

  it('rejects with a PingOneError when PingOne cannot say', async () => {
    await userBed({ emulator: { faults: [{ on: 'directory', status: 503 }] } });
    const res = await getUser(bed.emulator.createSession().token);
    expect(res.body).toEqual({ error: 'PingOneError', code: expect.any(String) });
  });

  it('is not called by routes that do not use it', async () => {
    await userBed();
    const { token } = bed.emulator.createSession();
    await request(bed.app).get('/me').set('Cookie', `ST=${token}`);
    expect(userReads()).toBe(0);
  });

  it('rejects with AccountError ERR_PINGONE_NOT_MOUNTED on an app without pingSession()', async () => {
    await userBed();
    const bare = express();
    bare.get('/', (req, res) => {
      req.pingUser().then(
        () => res.json('resolved'),
        (error: AccountError) => res.json([error.name, error.code]),
      );
    });
    expect((await request(bare).get('/')).body).toEqual([
      'AccountError',
      'ERR_PINGONE_NOT_MOUNTED',
    ]);
  });
});
