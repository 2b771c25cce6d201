import express from 'express';
import request from 'supertest';
import { endSession } from '../../src';
import { startHoldingProxy } from '../helpers/holding-proxy';
import { signOut } from '../helpers/test-bed';
import { useSharedRedis } from '../helpers/shared-redis';
import { until } from '../helpers/wait';

const shared = useSharedRedis();

/** An instance with `POST /devices/:id/end` (endSession). */
async function instance(options: { everywhere?: boolean; pingOne?: string } = {}) {
  const app = await shared.instance({
    logout: { everywhere: options.everywhere ?? false },
    ...(options.pingOne !== undefined && {
      apiPath: `${options.pingOne}/v1`,
      authPath: options.pingOne,
    }),
  });
  app.post('/devices/:id/end', (req, res, next) => {
    endSession(req, String(req.params.id)).then(() => res.status(204).end(), next);
  });
  return app;
}
const me = (app: express.Express, token: string) =>
  request(app).get('/me').set('Cookie', `ST=${token}`);

describe('a session ended by ID on one instance', () => {
  it('is no longer served by another instance that had it in memory', async () => {
    const [a, b] = [await instance(), await instance()];
    const phone = shared.emulator.createSession({ user: 'ada' });
    const laptop = shared.emulator.createSession({ user: 'ada' });
    expect((await me(b, phone.token)).body).not.toBeNull();
    await me(a, laptop.token);
    const readsBefore = shared.emulator.counts().sessionReads;
    const ended = await request(a)
      .post(`/devices/${phone.session.id}/end`)
      .set('Cookie', `ST=${laptop.token}`);
    expect(ended.status).toBe(204);
    // b hears it at once; had it not, its memory would answer for 30 s without asking PingOne.
    await until(async () => (await me(b, phone.token)).body === null);
    expect(shared.emulator.counts().sessionReads).toBe(readsBefore);
  });

  it('is not kept by an instance whose read of it was on its way as it ended', async () => {
    const proxy = await startHoldingProxy(shared.emulator.url);
    try {
      const [a, b] = [await instance(), await instance({ pingOne: proxy.url })];
      const phone = shared.emulator.createSession({ user: 'ada' });
      const laptop = shared.emulator.createSession({ user: 'ada' });
      // b's PingOne read says "active", and its answer arrives only after the end.
      proxy.hold(/\/sessions\/me$/);
      const inFlight = me(b, phone.token).then((res) => res.body);
      await until(() => proxy.held() === 1);
      const ended = await request(a)
        .post(`/devices/${phone.session.id}/end`)
        .set('Cookie', `ST=${laptop.token}`);
      expect(ended.status).toBe(204);
      proxy.release();
      await inFlight;
      expect((await me(b, phone.token)).body).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it('is refused by an instance that had not seen it, from the marker in Redis', async () => {
    const a = await instance();
    const phone = shared.emulator.createSession({ user: 'ada' });
    const laptop = shared.emulator.createSession({ user: 'ada' });
    await me(a, phone.token);
    await request(a).post(`/devices/${phone.session.id}/end`).set('Cookie', `ST=${laptop.token}`);
    const c = await instance();
    expect((await me(c, phone.token)).body).toBeNull();
  });
});

describe('logout everywhere on one instance', () => {
  it("stops every other instance serving each of the user's sessions", async () => {
    const [a, b] = [await instance({ everywhere: true }), await instance()];
    const phone = shared.emulator.createSession({ user: 'ada' });
    const tablet = shared.emulator.createSession({ user: 'ada' });
    const laptop = shared.emulator.createSession({ user: 'ada' });
    for (const each of [phone, tablet]) expect((await me(b, each.token)).body).not.toBeNull();
    expect((await signOut(a, laptop.token)).status).toBe(204);
    for (const each of [phone, tablet, laptop]) {
      await until(async () => (await me(b, each.token)).body === null);
    }
  });
});

describe('req.pingUser() with a RedisStore', () => {
  it('is read from PingOne once, then from Redis by another instance, sealed there', async () => {
    const [a, b] = [await instance(), await instance()];
    for (const app of [a, b]) {
      app.get('/user', (req, res, next) => {
        req.pingUser().then((user) => res.json(user ?? null), next);
      });
    }
    const { token } = shared.emulator.createSession({ user: 'ada' });
    expect((await request(a).get('/user').set('Cookie', `ST=${token}`)).body.username).toBe('ada');
    expect((await request(b).get('/user').set('Cookie', `ST=${token}`)).body.username).toBe('ada');
    expect(shared.emulator.requests.filter((r) => /\/users\/[^/]+$/.test(r.url))).toHaveLength(1);
    const dump = (
      await Promise.all((await shared.admin.keys('*flow:user.*')).map((k) => shared.admin.get(k)))
    ).join();
    expect(dump).not.toBe('');
    expect(dump).not.toContain('ada');
  });

  it('is dropped from Redis when the session signs out', async () => {
    const a = await instance();
    a.get('/user', (req, res, next) => {
      req.pingUser().then((user) => res.json(user ?? null), next);
    });
    const { token } = shared.emulator.createSession({ user: 'ada' });
    await request(a).get('/user').set('Cookie', `ST=${token}`);
    expect(await shared.admin.keys('*flow:user.*')).toHaveLength(1);
    expect((await signOut(a, token)).status).toBe(204);
    expect(await shared.admin.keys('*flow:user.*')).toHaveLength(0);
  });
});
