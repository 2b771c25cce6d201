import express from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { pingSession, type LogDetails } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RedisStore } from '../../src/redis';
import { emulatorOptions, signInOptions, signOut } from '../helpers/test-bed';
import { startRedisServer, subscriberCount, type RedisServer } from '../helpers/redis-server';
import { sleep, until } from '../helpers/wait';

const KEY_SECRET = 'shared-by-every-instance-0123456789abcdef';
const CHANNEL = 'pingone-session:signed-out';

let redis: RedisServer;
let emulator: Emulator;
let admin: Redis;
let stores: RedisStore[];
let logged: { instance: string; event: string }[];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());
beforeEach(async () => {
  emulator = await startEmulator();
  admin = new Redis(redis.url);
  await admin.flushall();
  stores = [];
  logged = [];
});
afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  admin.disconnect();
  await emulator.close();
});

const reads = () => emulator.counts().sessionReads;
const loggerOf = (instance: string) => {
  const log = (_message: string, details: LogDetails) =>
    void logged.push({ instance, event: details.event });
  return { warn: log, info: log };
};
const eventsOf = (instance: string) =>
  logged.filter((line) => line.instance === instance).map((line) => line.event);

/**
 * One app instance, as behind a load balancer: its own process memory, the shared Redis. Waits
 * until every instance hears sign-outs, unless Redis is meant to be away.
 */
async function instance(name = 'a', { redisAway = false } = {}) {
  const store = new RedisStore({ url: redis.url });
  stores.push(store);
  const app = express();
  app.use(
    pingSession({
      ...emulatorOptions(emulator),
      cache: { store, keySecret: KEY_SECRET },
      signIn: signInOptions(emulator),
      logger: loggerOf(name),
    }),
  );
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  if (!redisAway) await until(async () => (await subscribers()) === stores.length);
  return app;
}

const subscribers = () => subscriberCount(admin, CHANNEL);

const me = (app: express.Express, token: string) =>
  request(app).get('/me').set('Cookie', `ST=${token}`);

describe('instances sharing a RedisStore', () => {
  it("answer from another instance's lookup without calling PingOne", async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = emulator.createSession();
    await me(a, token);
    const res = await me(b, token);
    expect(res.body).toEqual(session);
    expect(reads()).toBe(1);
  });

  it('refuse a token on every instance once one instance logged it out', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token } = emulator.createSession();
    expect((await me(a, token)).body).not.toBeNull();
    expect((await me(b, token)).body).not.toBeNull();
    const logout = await signOut(b, token);
    expect(logout.status).toBe(204);
    expect((await me(a, token)).body).toBeNull();
  });

  it('store neither the token nor anything but hashed keys in Redis', async () => {
    const a = await instance();
    const { token } = emulator.createSession();
    await me(a, token);
    await signOut(a, token);
    const keys = await admin.keys('*');
    const values = await Promise.all(
      keys.map(async (key) =>
        (await admin.type(key)) === 'set' ? (await admin.smembers(key)).join() : admin.get(key),
      ),
    );
    // The entry, and the index of its session's entries (which holds their keys).
    expect(keys).toHaveLength(2);
    expect([...keys, ...values].join('\n')).not.toContain(token);
  });
});

/** The keys of lookups, without those of the session indexes beside them. */
async function entryKeys(): Promise<string[]> {
  const keys = await admin.keys('pingone-session:*');
  return keys.filter((key) => !key.startsWith('pingone-session:session:'));
}

describe('someone who can write to Redis', () => {
  /** Sessions of two users, each looked up through `a`, so that Redis holds both entries. */
  async function twoUsersIn(a: express.Express) {
    const mallory = emulator.createSession({ user: 'grace' });
    await me(a, mallory.token);
    const [malloryKey] = await entryKeys();
    const victim = emulator.createSession({ user: 'ada' });
    await me(a, victim.token);
    const victimKey = (await entryKeys()).find((key) => key !== malloryKey)!;
    return { mallory, malloryKey: malloryKey!, victim, victimKey };
  }

  it("cannot give one user another's session by copying an entry over theirs", async () => {
    const a = await instance('a');
    const { mallory, malloryKey, victimKey, victim } = await twoUsersIn(a);
    await admin.set(victimKey, (await admin.get(malloryKey))!, 'PX', 60_000);
    const b = await instance('b');
    const res = await me(b, victim.token);
    expect(res.body).toEqual(victim.session);
    expect(res.body.user.id).not.toBe(mallory.session.user.id);
    expect(eventsOf('b')).toContain('session_store_entry_rejected');
  });

  it('cannot forge an entry: one without a valid seal is refused and deleted', async () => {
    const a = await instance('a');
    const { malloryKey, victimKey, victim } = await twoUsersIn(a);
    const forged = JSON.parse((await admin.get(malloryKey))!) as Record<string, unknown>;
    delete forged.seal;
    await admin.set(victimKey, JSON.stringify(forged), 'PX', 60_000);
    const b = await instance('b');
    expect((await me(b, victim.token)).body).toEqual(victim.session);
    const left = JSON.parse((await admin.get(victimKey))!) as { session: unknown };
    expect(left.session).toBeNull();
  });
});

describe('a sign-in whose steps reach different instances', () => {
  const post = (app: express.Express, fields: object, cookie?: string) => {
    const req = request(app).post('/signin').set('Sec-Fetch-Site', 'same-origin');
    if (cookie) req.set('Cookie', cookie);
    return req.send(fields);
  };
  const flowCookie = (res: request.Response) =>
    /^pingone_flow=[^;]+/.exec([res.headers['set-cookie'] ?? []].flat()[0] ?? '')![0];

  it('finishes on another instance than it started on', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const first = await post(a, { username: 'grace', password: emulator.demoPassword });
    expect(first.body.status).toBe('OTP_REQUIRED');
    const done = await post(b, { otp: emulator.lastOtp('grace') }, flowCookie(first));
    expect(done.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
  });

  it('keeps the flow sealed in Redis: no handle, flow ID or PingOne cookie readable', async () => {
    const a = await instance('a');
    const first = await post(a, { username: 'grace', password: emulator.demoPassword });
    const handle = flowCookie(first).split('=')[1]!;
    const keys = await admin.keys('pingone-session:flow:*');
    expect(keys).toHaveLength(1);
    const stored = `${keys[0]}\n${await admin.get(keys[0]!)}`;
    const flowId = emulator.requests
      .find((r) => r.url.includes('/flows/'))!
      .url.split('/')
      .pop()!;
    const [st] = emulator.secrets().filter((secret) => emulator.sessionState(secret) === 'pending');
    for (const secret of [handle, flowId, st!, 'grace']) expect(stored).not.toContain(secret);
  });

  it('expires in Redis with the 15 minutes PingOne gives a flow', async () => {
    const a = await instance('a');
    await post(a, { username: 'grace', password: emulator.demoPassword });
    const [key] = await admin.keys('pingone-session:flow:*');
    const ttl = await admin.pttl(key!);
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });
});

describe('instances whose Redis goes away', () => {
  it('keep answering while Redis is killed and restarted, and use it again after', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const sessions = Array.from({ length: 5 }, () => emulator.createSession());
    const failures: string[] = [];
    let round = 0;
    // Known tokens (served from memory) and one new token a round (which goes to the store).
    const check = async () => {
      sessions.push(emulator.createSession());
      for (const [i, { token, session }] of sessions.entries()) {
        const res = await me(i % 2 ? a : b, token);
        if (res.status !== 200 || res.body?.id !== session.id)
          failures.push(`${round}: ${res.status}`);
      }
      round += 1;
    };

    await check();
    await redis.kill();
    for (let i = 0; i < 5; i += 1) await check();
    await redis.restart();
    await until(async () => {
      await check();
      return logged.filter((line) => line.event === 'session_store_recovered').length === 2;
    });
    await until(async () => (await subscribers()) === 2);

    expect(failures).toEqual([]);
    for (const name of ['a', 'b']) {
      // Two connections, each telling its own story, in whichever order they notice.
      const events = eventsOf(name);
      expect(events.filter((event) => !event.includes('heard'))).toEqual([
        'session_store_unavailable',
        'session_store_recovered',
      ]);
      expect(events.filter((event) => event.includes('heard'))).toEqual([
        'session_store_unheard',
        'session_store_heard',
      ]);
    }
    const { token } = emulator.createSession();
    await me(a, token);
    const before = reads();
    await me(b, token);
    expect(reads()).toBe(before);
  });

  it('forget what they held in memory once their pub/sub connection is back', async () => {
    const a = await instance('a');
    const { token } = emulator.createSession();
    await me(a, token);
    await redis.restart();
    await until(async () => (await subscribers()) === 1);
    await me(a, token);
    expect(reads()).toBe(2);
  });

  it('refuse a token logged out on another instance during the outage within about unheardTtlMs', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = emulator.createSession();
    expect((await me(a, token)).body).toEqual(session);
    await redis.kill();
    try {
      await until(() => eventsOf('a').includes('session_store_unheard'));
      expect((await me(a, token)).body).toEqual(session);
      expect((await signOut(b, token)).status).toBe(204);
      const loggedOutAt = Date.now();
      await until(async () => (await me(a, token)).body === null);
      expect(Date.now() - loggedOutAt).toBeLessThan(1500);
    } finally {
      await redis.restart();
    }
  });

  it('reuse a session from memory for only unheardTtlMs while they cannot hear sign-outs', async () => {
    const a = await instance('a');
    const { token } = emulator.createSession();
    await redis.kill();
    try {
      await until(() => eventsOf('a').includes('session_store_unheard'));
      await me(a, token);
      await me(a, token);
      expect(reads()).toBe(1);
      await sleep(1100);
      await me(a, token);
      expect(reads()).toBe(2);
    } finally {
      await redis.restart();
    }
  });

  it('send a sign-out made while Redis was away again once it is back', async () => {
    const a = await instance('a');
    const { token } = emulator.createSession();
    await me(a, token);
    await redis.kill();
    expect((await signOut(a, token)).status).toBe(204);
    await redis.restart();
    await until(async () => (await admin.keys('pingone-session:*')).length === 1);
    const [key] = await admin.keys('pingone-session:*');
    expect(JSON.parse((await admin.get(key!))!)).toMatchObject({ session: null });
    expect(await admin.pttl(key!)).toBeGreaterThan(290_000);
  });

  it('keep answering within the store timeout while Redis hangs', async () => {
    const a = await instance();
    const { token, session } = emulator.createSession();
    redis.freeze();
    try {
      const started = Date.now();
      const res = await me(a, token);
      expect(res.body).toEqual(session);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      redis.thaw();
    }
  });

  it('start and answer with no Redis there at all', async () => {
    await redis.kill();
    try {
      const app = await instance('a', { redisAway: true });
      const { token, session } = emulator.createSession();
      expect((await me(app, token)).body).toEqual(session);
      expect(eventsOf('a')).toEqual(['session_store_unheard', 'session_store_unavailable']);
    } finally {
      await redis.restart();
    }
  });
});
