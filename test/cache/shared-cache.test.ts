import { createHmac, hkdfSync } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { type LogDetails } from '../../src';
import { signInOptions, signOut } from '../helpers/test-bed';
import { subscriberCount } from '../helpers/redis-server';
import {
  KEY_SECRET,
  ON_CLUSTER,
  SIGNED_OUT_CHANNEL,
  useSharedRedis,
} from '../helpers/shared-redis';
import { sleep, until } from '../helpers/wait';

const shared = useSharedRedis();
let logged: { instance: string; event: string }[];
beforeEach(() => {
  logged = [];
});

const reads = () => shared.emulator.counts().sessionReads;
const loggerOf = (instance: string) => {
  const log = (_message: string, details: LogDetails) =>
    void logged.push({ instance, event: details.event });
  return { warn: log, info: log };
};
const eventsOf = (instance: string) =>
  logged.filter((line) => line.instance === instance).map((line) => line.event);

/** An instance whose logger files what it says under `name`, with sign-in on. */
function instance(name = 'a', wait: { redisAway?: boolean } = {}) {
  return shared.instance({ signIn: signInOptions(shared.emulator), logger: loggerOf(name) }, wait);
}

const subscribers = () => subscriberCount(shared.admin, SIGNED_OUT_CHANNEL);

const me = (app: express.Express, token: string) =>
  request(app).get('/me').set('Cookie', `ST=${token}`);

describe('instances sharing a RedisStore', () => {
  it("answer from another instance's lookup without calling PingOne", async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = shared.emulator.createSession();
    await me(a, token);
    const res = await me(b, token);
    expect(res.body).toEqual(session);
    expect(reads()).toBe(1);
  });

  it('refuse a token on every instance once one instance logged it out', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token } = shared.emulator.createSession();
    expect((await me(a, token)).body).not.toBeNull();
    expect((await me(b, token)).body).not.toBeNull();
    const logout = await signOut(b, token);
    expect(logout.status).toBe(204);
    expect((await me(a, token)).body).toBeNull();
  });

  it('keep a session in Redis without the links PingOne derives from its IDs, and give it back whole', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = shared.emulator.createSession();
    await me(a, token);
    const [key] = await entryKeys();
    const raw = (await shared.admin.get(key!))!;
    expect(raw).not.toContain('/sessions/');
    expect(raw).toContain('"_links":0');
    expect((await me(b, token)).body).toEqual(session);
    expect(reads()).toBe(1);
  });

  it('store neither the token nor anything but hashed keys in Redis', async () => {
    const a = await instance();
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await signOut(a, token);
    const keys = await shared.admin.keys('*');
    const values = await Promise.all(
      keys.map(async (key) =>
        (await shared.admin.type(key)) === 'set'
          ? (await shared.admin.smembers(key)).join()
          : shared.admin.get(key),
      ),
    );
    // The entry, and the index of its session's entries (which holds their keys).
    expect(keys).toHaveLength(2);
    expect([...keys, ...values].join('\n')).not.toContain(token);
  });
});

/** The keys of lookups, without those of the session indexes beside them. */
async function entryKeys(): Promise<string[]> {
  const keys = await shared.admin.keys('pingone-session:*');
  return keys.filter((key) => !key.startsWith('pingone-session:session:'));
}

describe('someone who can write to Redis', () => {
  /** Sessions of two users, each looked up through `a`, so that Redis holds both entries. */
  async function twoUsersIn(a: express.Express) {
    const mallory = shared.emulator.createSession({ user: 'grace' });
    await me(a, mallory.token);
    const [malloryKey] = await entryKeys();
    const victim = shared.emulator.createSession({ user: 'ada' });
    await me(a, victim.token);
    const victimKey = (await entryKeys()).find((key) => key !== malloryKey)!;
    return { mallory, malloryKey: malloryKey!, victim, victimKey };
  }

  it("cannot give one user another's session by copying an entry over theirs", async () => {
    const a = await instance('a');
    const { mallory, malloryKey, victimKey, victim } = await twoUsersIn(a);
    await shared.admin.set(victimKey, (await shared.admin.get(malloryKey))!, 'PX', 60_000);
    const b = await instance('b');
    const res = await me(b, victim.token);
    expect(res.body).toEqual(victim.session);
    expect(res.body.user.id).not.toBe(mallory.session.user.id);
    expect(eventsOf('b')).toContain('session_store_entry_rejected');
  });

  /** Mallory's entry as stored (`s.<seal>.<text>`), in its parts. */
  async function storedParts(key: string) {
    const raw = (await shared.admin.get(key))!;
    const [, seal, text] = /^s\.([^.]+)\.(.*)$/s.exec(raw)!;
    const [, validUntil, checkedAt, session] = JSON.parse(text!) as [
      string,
      number,
      number,
      object,
    ];
    return { seal: seal!, text: text!, validUntil, checkedAt, session };
  }

  /** Instance `b`, which has nothing in memory, reads the victim's token; Redis must not win. */
  async function expectRefusedAndDeleted(
    victimKey: string,
    victim: { token: string; session: object },
  ) {
    const b = await instance('b');
    expect((await me(b, victim.token)).body).toEqual(victim.session);
    expect(eventsOf('b')).toContain('session_store_entry_rejected');
    const left = JSON.parse((await shared.admin.get(victimKey))!) as { session: unknown };
    expect(left.session).toBeNull();
  }

  it('cannot forge an entry in the format of earlier versions, without a seal', async () => {
    const a = await instance('a');
    const { malloryKey, victimKey, victim } = await twoUsersIn(a);
    const { validUntil, checkedAt, session } = await storedParts(malloryKey);
    const forged = JSON.stringify({ session, validUntil, checkedAt });
    await shared.admin.set(victimKey, forged, 'PX', 60_000);
    await expectRefusedAndDeleted(victimKey, victim);
  });

  it("cannot forge an entry by naming the victim's key in another entry's sealed text", async () => {
    const a = await instance('a');
    const { malloryKey, victimKey, victim } = await twoUsersIn(a);
    const { seal, text } = await storedParts(malloryKey);
    const renamed = text.replace(
      malloryKey.slice('pingone-session:'.length),
      victimKey.slice('pingone-session:'.length),
    );
    expect(renamed).not.toBe(text);
    await shared.admin.set(victimKey, `s.${seal}.${renamed}`, 'PX', 60_000);
    await expectRefusedAndDeleted(victimKey, victim);
  });

  it('never has a sealed entry parsed before its seal is checked', async () => {
    const a = await instance('a');
    const { malloryKey, victimKey, victim } = await twoUsersIn(a);
    const { seal, text } = await storedParts(malloryKey);
    const forged = text.replace('"_links":0', '"_links":0,"forged":"never parsed"');
    await shared.admin.set(victimKey, `s.${seal}.${forged}`, 'PX', 60_000);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      await expectRefusedAndDeleted(victimKey, victim);
      expect(parse.mock.calls.filter(([t]) => String(t).includes('never parsed'))).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  });

  it('has a sealed-form entry that is not JSON refused and deleted, not taken for a miss', async () => {
    const a = await instance('a');
    const { malloryKey, victimKey, victim } = await twoUsersIn(a);
    const { seal } = await storedParts(malloryKey);
    await shared.admin.set(victimKey, `s.${seal}.{not json`, 'PX', 60_000);
    await expectRefusedAndDeleted(victimKey, victim);
  });

  it('still reads a sealed entry in the format of earlier versions (an upgrade signs no one out)', async () => {
    const a = await instance('a');
    const { victimKey, victim } = await twoUsersIn(a);
    const { validUntil, checkedAt } = await storedParts(victimKey);
    // As an earlier version sealed it: over the session with its links in full.
    const key = victimKey.slice('pingone-session:'.length);
    const secret = hkdfSync(
      'sha256',
      KEY_SECRET,
      Buffer.alloc(0),
      'express-pingone-session stored lookups',
      32,
    );
    const seal = createHmac('sha256', Buffer.from(secret))
      .update(JSON.stringify([key, validUntil, checkedAt, victim.session]))
      .digest('base64url');
    await shared.admin.set(
      victimKey,
      JSON.stringify({ session: victim.session, validUntil, checkedAt, seal }),
      'PX',
      60_000,
    );
    const b = await instance('b');
    const readsBefore = shared.emulator.counts().sessionReads;
    expect((await me(b, victim.token)).body).toEqual(victim.session);
    expect(shared.emulator.counts().sessionReads).toBe(readsBefore);
    expect(eventsOf('b')).not.toContain('session_store_entry_rejected');
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
    const first = await post(a, { username: 'grace', password: shared.emulator.demoPassword });
    expect(first.body.status).toBe('OTP_REQUIRED');
    const done = await post(b, { otp: shared.emulator.lastOtp('grace') }, flowCookie(first));
    expect(done.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
  });

  it('keeps the flow sealed in Redis: no handle, flow ID or PingOne cookie readable', async () => {
    const a = await instance('a');
    const first = await post(a, { username: 'grace', password: shared.emulator.demoPassword });
    const handle = flowCookie(first).split('=')[1]!;
    const keys = await shared.admin.keys('pingone-session:flow:*');
    expect(keys).toHaveLength(1);
    const stored = `${keys[0]}\n${await shared.admin.get(keys[0]!)}`;
    const flowId = shared.emulator.requests
      .find((r) => r.url.includes('/flows/'))!
      .url.split('/')
      .pop()!;
    const [st] = shared.emulator
      .secrets()
      .filter((secret) => shared.emulator.sessionState(secret) === 'pending');
    for (const secret of [handle, flowId, st!, 'grace']) expect(stored).not.toContain(secret);
  });

  it('expires in Redis with the 15 minutes PingOne gives a flow', async () => {
    const a = await instance('a');
    await post(a, { username: 'grace', password: shared.emulator.demoPassword });
    const [key] = await shared.admin.keys('pingone-session:flow:*');
    const ttl = await shared.admin.pttl(key!);
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
  });
});

describe('instances whose Redis goes away', () => {
  it('keep answering while Redis is killed and restarted, and use it again after', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const sessions = Array.from({ length: 5 }, () => shared.emulator.createSession());
    const failures: string[] = [];
    let round = 0;
    // Known tokens (served from memory) and one new token a round (which goes to the store).
    const check = async () => {
      sessions.push(shared.emulator.createSession());
      for (const [i, { token, session }] of sessions.entries()) {
        const res = await me(i % 2 ? a : b, token);
        if (res.status !== 200 || res.body?.id !== session.id)
          failures.push(`${round}: ${res.status}`);
      }
      round += 1;
    };

    await check();
    await shared.redis.kill();
    for (let i = 0; i < 5; i += 1) await check();
    await shared.redis.restart();
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
      // On one server, one outage; a cluster's nodes can come back one by one, and each gap is
      // told: every unheard is followed by heard again.
      const heard = events.filter((event) => event.includes('heard'));
      expect(heard.length).toBeGreaterThanOrEqual(2);
      if (!ON_CLUSTER) expect(heard).toHaveLength(2);
      expect(heard).toEqual(
        heard.map((_event, i) => (i % 2 === 0 ? 'session_store_unheard' : 'session_store_heard')),
      );
    }
    const { token } = shared.emulator.createSession();
    await me(a, token);
    const before = reads();
    await me(b, token);
    expect(reads()).toBe(before);
  });

  it('forget what they held in memory once their pub/sub connection is back', async () => {
    const a = await instance('a');
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await shared.redis.restart();
    await until(async () => (await subscribers()) === 1);
    // On a cluster ioredis resubscribes on its own, and the store learns of the gap from its
    // heartbeat: within about a second, never the cache's 30 s.
    await until(async () => {
      await me(a, token);
      return reads() === 2;
    }, 8000);
  });

  it('refuse a token logged out on another instance during the outage within about unheardTtlMs', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = shared.emulator.createSession();
    expect((await me(a, token)).body).toEqual(session);
    await shared.redis.kill();
    try {
      await until(() => eventsOf('a').includes('session_store_unheard'));
      expect((await me(a, token)).body).toEqual(session);
      expect((await signOut(b, token)).status).toBe(204);
      const loggedOutAt = Date.now();
      await until(async () => (await me(a, token)).body === null);
      // unheardTtlMs is 1 s; the cache's own ttlMs (30 s) would be the naive bound.
      expect(Date.now() - loggedOutAt).toBeLessThan(3000);
    } finally {
      await shared.redis.restart();
    }
  });

  it('refuse a token logged out on another instance within about a second while Redis is frozen', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token, session } = shared.emulator.createSession();
    expect((await me(a, token)).body).toEqual(session);
    // Frozen, not down (SIGSTOP, a VM pause, a partition without RST): the sockets stay open.
    shared.redis.freeze();
    try {
      expect((await signOut(b, token)).status).toBe(204);
      const loggedOutAt = Date.now();
      await until(async () => (await me(a, token)).body === null, 8000);
      // Silence on the pub/sub connection counts as unheard within about a second; the cache's
      // own ttlMs (30 s) would be the naive bound.
      expect(Date.now() - loggedOutAt).toBeLessThan(3000);
      expect(eventsOf('a')).toContain('session_store_unheard');
    } finally {
      shared.redis.thaw();
    }
  });

  it('hear sign-outs again once a frozen Redis goes on', async () => {
    const [a, b] = [await instance('a'), await instance('b')];
    const { token } = shared.emulator.createSession();
    shared.redis.freeze();
    try {
      await until(() => eventsOf('a').includes('session_store_unheard'));
    } finally {
      shared.redis.thaw();
    }
    await until(() => eventsOf('a').includes('session_store_heard'));
    await until(async () => (await subscribers()) === 2);
    await me(a, token);
    await signOut(b, token);
    await until(async () => (await me(a, token)).body === null);
  });

  it('reuse a session from memory for only unheardTtlMs while they cannot hear sign-outs', async () => {
    const a = await instance('a');
    const { token } = shared.emulator.createSession();
    await shared.redis.kill();
    try {
      await until(() => eventsOf('a').includes('session_store_unheard'));
      await me(a, token);
      await me(a, token);
      expect(reads()).toBe(1);
      await sleep(1100);
      await me(a, token);
      expect(reads()).toBe(2);
    } finally {
      await shared.redis.restart();
    }
  });

  it('send a sign-out made while Redis was away again once it is back', async () => {
    const a = await instance('a');
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await shared.redis.kill();
    expect((await signOut(a, token)).status).toBe(204);
    await shared.redis.restart();
    await until(async () => (await shared.admin.keys('pingone-session:*')).length === 1);
    const [key] = await shared.admin.keys('pingone-session:*');
    expect(JSON.parse((await shared.admin.get(key!))!)).toMatchObject({ session: null });
    expect(await shared.admin.pttl(key!)).toBeGreaterThan(290_000);
  });

  it('keep answering within the store timeout while Redis hangs', async () => {
    const a = await instance();
    const { token, session } = shared.emulator.createSession();
    shared.redis.freeze();
    try {
      const started = Date.now();
      const res = await me(a, token);
      expect(res.body).toEqual(session);
      // The store timeout is 100 ms; without it the request would wait for Redis forever.
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      shared.redis.thaw();
    }
  });

  it('start and answer with no Redis there at all', async () => {
    await shared.redis.kill();
    try {
      const app = await instance('a', { redisAway: true });
      const { token, session } = shared.emulator.createSession();
      expect((await me(app, token)).body).toEqual(session);
      expect(eventsOf('a')).toEqual(['session_store_unheard', 'session_store_unavailable']);
    } finally {
      await shared.redis.restart();
    }
  });
});
