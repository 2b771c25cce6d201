import express from 'express';
import request from 'supertest';
import {
  AccountError,
  endSession,
  listSessions,
  pingSession,
  type PingSessionOptions,
  type SessionStore,
  type StoredLookup,
} from '../../src';
import { until } from '../helpers/wait';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

const MINUTE = 60_000;
const directoryCalls = () => bed.emulator.requests.filter((r) => r.url.includes('/users/'));

/** A bed with `GET /devices` (listSessions) and `POST /devices/:id/end` (endSession). */
async function devicesBed(pingSession: PingSessionOptions = {}, now?: () => number) {
  bed = await startTestBed({ pingSession, ...(now && { emulator: { now } }) });
  bed.app.get('/devices', (req, res, next) => {
    listSessions(req).then((sessions) => res.json(sessions), next);
  });
  bed.app.post('/devices/:id/end', (req, res, next) => {
    endSession(req, String(req.params.id)).then(
      () => res.status(204).end(),
      (error: unknown) =>
        error instanceof AccountError
          ? res.status(error.status).json({ error: error.code })
          : next(error),
    );
  });
}
const as = (token: string) => ({
  get: (path: string) => request(bed.app).get(path).set('Cookie', `ST=${token}`),
  post: (path: string) => request(bed.app).post(path).set('Cookie', `ST=${token}`),
});

describe('listSessions(req)', () => {
  it("lists the user's running sessions, this one marked current", async () => {
    await devicesBed();
    const other = bed.emulator.createSession({ user: 'ada' });
    const mine = bed.emulator.createSession({ user: 'ada' });
    bed.emulator.createSession({ user: 'grace' });
    const res = await as(mine.token).get('/devices');
    expect(res.body.map((s: { id: string; current: boolean }) => [s.id, s.current])).toEqual(
      expect.arrayContaining([
        [mine.session.id, true],
        [other.session.id, false],
      ]),
    );
    expect(res.body).toHaveLength(2);
  });

  it('puts the most recently active first', async () => {
    await devicesBed();
    const mine = bed.emulator.createSession({ user: 'ada' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const other = bed.emulator.createSession({ user: 'ada' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    bed.emulator.touchSession(mine.token);
    const ids = (await as(mine.token).get('/devices')).body.map((s: { id: string }) => s.id);
    expect(ids).toEqual([mine.session.id, other.session.id]);
  });

  it('leaves out sessions that have expired', async () => {
    let now = Date.now() - 2 * MINUTE;
    await devicesBed({}, () => now);
    const expired = bed.emulator.createSession({ user: 'ada', idleTimeoutInMinutes: 1 });
    now = Date.now();
    const mine = bed.emulator.createSession({ user: 'ada' });
    const ids = (await as(mine.token).get('/devices')).body.map((s: { id: string }) => s.id);
    expect(ids).toEqual([mine.session.id]);
    expect(ids).not.toContain(expired.session.id);
  });

  it("leaves out, without asking PingOne, a session idle past PingOne's fixed 30 days", async () => {
    let now = Date.now() - 31 * 24 * 60 * MINUTE;
    await devicesBed({}, () => now);
    const idle = bed.emulator.createSession({ user: 'ada' });
    now = Date.now();
    const mine = bed.emulator.createSession({ user: 'ada' });
    const ids = (await as(mine.token).get('/devices')).body.map((s: { id: string }) => s.id);
    expect(ids).toEqual([mine.session.id]);
    expect(bed.emulator.requests.some((r) => r.url.includes(idle.session.id))).toBe(false);
  });

  it('shows a listed session PingOne cannot vouch for right now rather than hide it', async () => {
    await devicesBed();
    const other = bed.emulator.createSession({ user: 'ada' });
    const mine = bed.emulator.createSession({ user: 'ada' });
    await as(mine.token).get('/me');
    bed.emulator.addFault({ on: 'reads', status: 503 });
    const ids = (await as(mine.token).get('/devices')).body.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([mine.session.id, other.session.id]));
  });

  it('rejects with AccountError ERR_PINGONE_NO_SESSION without a session', async () => {
    await devicesBed();
    bed.app.get('/anonymous-devices', (req, res) => {
      listSessions(req).catch((error: AccountError) => res.status(error.status).json(error.code));
    });
    const res = await request(bed.app).get('/anonymous-devices');
    expect([res.status, res.body]).toEqual([401, 'ERR_PINGONE_NO_SESSION']);
    expect(directoryCalls()).toHaveLength(0);
  });
});

describe('endSession(req, id)', () => {
  it('ends another session of the user at PingOne, and this app stops serving it at once', async () => {
    await devicesBed();
    const other = bed.emulator.createSession({ user: 'ada' });
    const mine = bed.emulator.createSession({ user: 'ada' });
    expect((await as(other.token).get('/me')).body).not.toBeNull();
    expect((await as(mine.token).post(`/devices/${other.session.id}/end`)).status).toBe(204);
    expect(bed.emulator.sessionState(other.token)).toBe('reset');
    expect((await as(other.token).get('/me')).body).toBeNull();
    expect((await as(mine.token).get('/me')).body).not.toBeNull();
  });

  it("refuses another user's session ID without ending it", async () => {
    await devicesBed();
    const victim = bed.emulator.createSession({ user: 'grace' });
    const mine = bed.emulator.createSession({ user: 'ada' });
    const res = await as(mine.token).post(`/devices/${victim.session.id}/end`);
    expect([res.status, res.body]).toEqual([404, { error: 'ERR_PINGONE_NOT_YOUR_SESSION' }]);
    expect(bed.emulator.sessionState(victim.token)).toBe('active');
    expect(directoryCalls().filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('never sends an ID PingOne did not list to PingOne', async () => {
    await devicesBed();
    const mine = bed.emulator.createSession({ user: 'ada' });
    const res = await as(mine.token).post(`/devices/${encodeURIComponent('x/../../me\r\n')}/end`);
    expect(res.status).toBe(404);
    expect(bed.emulator.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('refuses the current session: the logout route ends that one', async () => {
    await devicesBed();
    const mine = bed.emulator.createSession({ user: 'ada' });
    const res = await as(mine.token).post(`/devices/${mine.session.id}/end`);
    expect([res.status, res.body]).toEqual([409, { error: 'ERR_PINGONE_CURRENT_SESSION' }]);
    expect(bed.emulator.sessionState(mine.token)).toBe('active');
  });
});

describe('logout everywhere', () => {
  const userSessions = () => ({
    first: bed.emulator.createSession({ user: 'ada' }),
    second: bed.emulator.createSession({ user: 'ada' }),
    mine: bed.emulator.createSession({ user: 'ada' }),
    someoneElse: bed.emulator.createSession({ user: 'grace' }),
  });

  it("with logout: { everywhere: true } ends every one of the user's sessions", async () => {
    await devicesBed({ logout: { everywhere: true } });
    const s = userSessions();
    await as(s.first.token).get('/me');
    expect((await signOut(bed.app, s.mine.token)).status).toBe(204);
    for (const each of [s.first, s.second, s.mine]) {
      expect(bed.emulator.sessionState(each.token)).toBe('reset');
    }
    expect(bed.emulator.sessionState(s.someoneElse.token)).toBe('active');
    expect((await as(s.first.token).get('/me')).body).toBeNull();
  });

  it('is asked for by one logout with the form field everywhere=true', async () => {
    await devicesBed();
    const s = userSessions();
    const res = await signOut(bed.app, s.mine.token).type('form').send({ everywhere: 'true' });
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(s.second.token)).toBe('reset');
  });

  it('is asked for with the query ?everywhere=true', async () => {
    await devicesBed();
    const s = userSessions();
    const res = await request(bed.app)
      .post('/logout?everywhere=true')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${s.mine.token}`);
    expect(res.status).toBe(204);
    expect(bed.emulator.sessionState(s.first.token)).toBe('reset');
  });

  it('is not done by a plain logout', async () => {
    await devicesBed();
    const s = userSessions();
    await signOut(bed.app, s.mine.token);
    expect(bed.emulator.sessionState(s.mine.token)).toBe('reset');
    expect(bed.emulator.sessionState(s.first.token)).toBe('active');
  });

  it('answers 502 logout_failed when another session could not be ended, yet ends this one', async () => {
    await devicesBed({ logout: { everywhere: true }, retry: false });
    const s = userSessions();
    bed.emulator.addFault({ on: 'resets', status: 500, times: 1 });
    const res = await signOut(bed.app, s.mine.token);
    expect([res.status, res.body]).toEqual([502, { error: 'logout_failed' }]);
    expect(bed.emulator.sessionState(s.mine.token)).toBe('reset');
    expect([res.headers['set-cookie'] ?? []].flat().join()).toMatch(/ST=;/);
  });

  it('refuses a malformed body with 400 before anything is reset', async () => {
    await devicesBed();
    const s = userSessions();
    const res = await signOut(bed.app, s.mine.token)
      .set('Content-Type', 'application/json')
      .send('{"everywhere":');
    expect(res.status).toBe(400);
    expect(bed.emulator.sessionState(s.mine.token)).toBe('active');
  });
});

describe('a session ended by ID while a lookup of it is on its way', () => {
  it('is not brought back by what the shared store answers afterwards', async () => {
    // A shared store of the app's own making, whose next answer a test can hold back.
    const entries = new Map<string, StoredLookup>();
    let holdNext = false;
    let release: (() => void) | undefined;
    const store: SessionStore = {
      async get(key) {
        if (holdNext) {
          holdNext = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        return entries.get(key);
      },
      set: (key, value) => void entries.set(key, value),
      delete: (key) => void entries.delete(key),
    };
    const cache = {
      store,
      keySecret: 'a-test-secret-of-32-characters-or-more',
      storeTimeoutMs: 5000,
    };
    await devicesBed({ cache });
    const phone = bed.emulator.createSession({ user: 'ada' });
    const laptop = bed.emulator.createSession({ user: 'ada' });
    // Another instance, sharing the store, has read the phone's session into it.
    const other = express().use(pingSession({ ...bed.emulator.options(), cache, logger: false }));
    other.get('/me', (req, res) => res.json(req.pingSession ?? null));
    expect(
      (await request(other).get('/me').set('Cookie', `ST=${phone.token}`)).body,
    ).not.toBeNull();

    holdNext = true;
    const lookup = as(phone.token)
      .get('/me')
      .then((res) => res.body as unknown);
    await until(() => release !== undefined);
    expect((await as(laptop.token).post(`/devices/${phone.session.id}/end`)).status).toBe(204);
    release!();
    expect(await lookup).toBeNull();
  });
});
