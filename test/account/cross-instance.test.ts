import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { endSession, pingSession } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RedisStore } from '../../src/redis';
import { emulatorOptions, signOut } from '../helpers/test-bed';
import { startRedisServer, subscriberCount, type RedisServer } from '../helpers/redis-server';
import { until } from '../helpers/wait';

const KEY_SECRET = 'shared-by-every-instance-0123456789abcdef';
const CHANNEL = 'pingone-session:signed-out';

let redis: RedisServer;
let emulator: Emulator;
let admin: Redis;
let stores: RedisStore[];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());
beforeEach(async () => {
  emulator = await startEmulator();
  admin = new Redis(redis.url);
  await admin.flushall();
  stores = [];
});
afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  admin.disconnect();
  await emulator.close();
});

/** One app instance behind a load balancer: its own memory, the shared Redis. */
async function instance(options: { everywhere?: boolean } = {}) {
  const store = new RedisStore({ url: redis.url });
  stores.push(store);
  const app = express();
  app.use(
    pingSession({
      ...emulatorOptions(emulator),
      cache: { store, keySecret: KEY_SECRET },
      logout: { everywhere: options.everywhere ?? false },
    }),
  );
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  app.post('/devices/:id/end', (req, res, next) => {
    endSession(req, String(req.params.id)).then(() => res.status(204).end(), next);
  });
  await until(async () => (await subscriberCount(admin, CHANNEL)) === stores.length);
  return app;
}
const me = (app: express.Express, token: string) =>
  request(app).get('/me').set('Cookie', `ST=${token}`);

describe('a session ended by ID on one instance', () => {
  it('is no longer served by another instance that had it in memory', async () => {
    const [a, b] = [await instance(), await instance()];
    const phone = emulator.createSession({ user: 'ada' });
    const laptop = emulator.createSession({ user: 'ada' });
    expect((await me(b, phone.token)).body).not.toBeNull();
    await me(a, laptop.token);
    const readsBefore = emulator.counts().sessionReads;
    const ended = await request(a)
      .post(`/devices/${phone.session.id}/end`)
      .set('Cookie', `ST=${laptop.token}`);
    expect(ended.status).toBe(204);
    // b hears it at once; had it not, its memory would answer for 30 s without asking PingOne.
    await until(async () => (await me(b, phone.token)).body === null);
    expect(emulator.counts().sessionReads).toBe(readsBefore);
  });

  it('is refused by an instance that had not seen it, from the marker in Redis', async () => {
    const a = await instance();
    const phone = emulator.createSession({ user: 'ada' });
    const laptop = emulator.createSession({ user: 'ada' });
    await me(a, phone.token);
    await request(a).post(`/devices/${phone.session.id}/end`).set('Cookie', `ST=${laptop.token}`);
    const c = await instance();
    expect((await me(c, phone.token)).body).toBeNull();
  });
});

describe('logout everywhere on one instance', () => {
  it("stops every other instance serving each of the user's sessions", async () => {
    const [a, b] = [await instance({ everywhere: true }), await instance()];
    const phone = emulator.createSession({ user: 'ada' });
    const tablet = emulator.createSession({ user: 'ada' });
    const laptop = emulator.createSession({ user: 'ada' });
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
    const { token } = emulator.createSession({ user: 'ada' });
    expect((await request(a).get('/user').set('Cookie', `ST=${token}`)).body.username).toBe('ada');
    expect((await request(b).get('/user').set('Cookie', `ST=${token}`)).body.username).toBe('ada');
    expect(emulator.requests.filter((r) => /\/users\/[^/]+$/.test(r.url))).toHaveLength(1);
    const dump = (
      await Promise.all((await admin.keys('*flow:user.*')).map((k) => admin.get(k)))
    ).join();
    expect(dump).not.toBe('');
    expect(dump).not.toContain('ada');
  });
});
