import { Redis } from 'ioredis';
import { ConfigError, type PingSession, type StoredLookup, type StoreListener } from '../../src';
import { RedisStore } from '../../src/redis';
import { startRedisServer, subscriberCount, type RedisServer } from '../helpers/redis-server';
import { sleep, until } from '../helpers/wait';
import { sessionJson } from '../helpers/session-json';

let redis: RedisServer;
let client: Redis;
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());
beforeEach(async () => {
  client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
  await client.flushall();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  client.disconnect();
});

const entry = (validForMs = 60_000): StoredLookup => ({
  session: null,
  validUntil: Date.now() + validForMs,
  checkedAt: Date.now(),
});

function storeOf(options: ConstructorParameters<typeof RedisStore>[0] = { client }) {
  const store = new RedisStore(options);
  stores.push(store);
  return store;
}

function listening(store: RedisStore) {
  const heard: string[] = [];
  let missed = 0;
  const listener: StoreListener = {
    deleted: (key) => heard.push(key),
    missed: () => (missed += 1),
  };
  store.subscribe(listener);
  return { heard, missed: () => missed };
}

const subscribers = (channel: string) => subscriberCount(client, channel);

describe('RedisStore', () => {
  it('gives back what was set', async () => {
    const store = storeOf();
    const value = entry();
    await store.set('k', value, 1000);
    expect(await store.get('k')).toEqual(value);
  });

  it('answers undefined for a key it does not have', async () => {
    expect(await storeOf().get('nothing')).toBeUndefined();
  });

  it('keeps an entry for its time to live only', async () => {
    const store = storeOf();
    await store.set('k', entry(), 50);
    await sleep(100);
    expect(await store.get('k')).toBeUndefined();
  });

  it('keeps the entry already there rather than replacing it', async () => {
    const store = storeOf();
    const first = entry();
    await store.set('k', first, 1000);
    await store.set('k', entry(5), 1000);
    expect(await store.get('k')).toEqual(first);
  });

  it('turns a deleted key into a no-session marker a late set cannot replace', async () => {
    const store = storeOf();
    await store.set(
      'k',
      { session: { id: 's' } as never, validUntil: Date.now() + 60_000, checkedAt: Date.now() },
      60_000,
    );
    await store.delete('k');
    await store.set(
      'k',
      { session: { id: 's' } as never, validUntil: Date.now() + 60_000, checkedAt: Date.now() },
      60_000,
    );
    expect((await store.get('k'))?.session).toBeNull();
  });

  it('keeps the signed-out marker for signedOutTtlMs', async () => {
    const store = storeOf({ client, signedOutTtlMs: 50 });
    await store.delete('k');
    await sleep(100);
    expect(await store.get('k')).toBeUndefined();
  });

  it('puts its keys under the prefix', async () => {
    await storeOf({ client, prefix: 'app1:' }).set('k', entry(), 1000);
    expect(await client.keys('*')).toEqual(['app1:k']);
  });

  it('tells every subscribed store of a deletion', async () => {
    const deleter = storeOf();
    const other = listening(storeOf({ url: redis.url }));
    await until(async () => (await subscribers('pingone-session:signed-out')) === 1);
    await deleter.delete('k');
    await until(() => other.heard.length === 1);
    expect(other.heard).toEqual(['k']);
  });

  it('treats a value it cannot parse as a miss', async () => {
    await client.set('pingone-session:k', '{not json');
    expect(await storeOf().get('k')).toBeUndefined();
  });

  it('waits for its first connection rather than failing a call made as it starts', async () => {
    const store = storeOf({ url: redis.url });
    await store.set('k', entry(), 1000);
    expect(await store.get('k')).toMatchObject({ session: null });
  });

  it('fails at once, rather than waiting, while Redis is unreachable', async () => {
    const store = storeOf({ url: 'redis://127.0.0.1:1' });
    const started = Date.now();
    await expect(store.get('k')).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    // With ioredis's offline queue, the call would wait for a connection that never comes.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves a client it was given open on close', async () => {
    await storeOf().close();
    expect(await client.ping()).toBe('PONG');
  });

  it.each([
    ['neither client nor url', {}],
    ['both client and url', { client: {} as Redis, url: 'redis://127.0.0.1' }],
    ['a client that is not an ioredis client', { client: {} as Redis }],
    ['a zero signedOutTtlMs', { url: 'redis://127.0.0.1', signedOutTtlMs: 0 }],
  ])('refuses %s with a ConfigError', (_case, options) => {
    expect(() => new RedisStore(options)).toThrow(ConfigError);
  });

  it('says neither was given when given neither client nor url', () => {
    expect(() => new RedisStore({})).toThrow(/neither was given/);
  });
});

describe('RedisStore across a Redis restart', () => {
  it('reconnects by itself and reports that deletions may have been missed', async () => {
    const store = storeOf({ url: redis.url });
    const heard = listening(store);
    await until(async () => (await subscribers('pingone-session:signed-out')) === 1);
    await redis.restart();
    await until(() => heard.missed() === 1);
    await until(async () => {
      try {
        await store.set('k', entry(), 1000);
        return true;
      } catch {
        return false;
      }
    });
    expect(await store.get('k')).toMatchObject({ session: null });
  });
});

describe('RedisStore, sessions ended by ID', () => {
  const SESSION = sessionJson('env-1') as unknown as PingSession;
  const withSession = (): StoredLookup => ({ ...entry(), session: SESSION });

  it('replaces every entry of the session with the signed-out marker and publishes each key', async () => {
    const store = storeOf();
    const { heard } = listening(store);
    await until(async () => (await subscribers('pingone-session:signed-out')) === 1);
    await store.set('k1', withSession(), 60_000);
    await store.set('k2', withSession(), 60_000);
    await store.deleteSession(SESSION.id);
    expect((await store.get('k1'))?.session).toBeNull();
    expect((await store.get('k2'))?.session).toBeNull();
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual(['k1', 'k2']);
  });

  it('tells every subscribed store the session ended, even one with no entry of it', async () => {
    const store = storeOf();
    const ended: string[] = [];
    store.subscribe({
      deleted: () => undefined,
      missed: () => undefined,
      sessionEnded: (id) => ended.push(id),
    });
    await until(async () => (await subscribers('pingone-session:signed-out')) === 1);
    await storeOf().deleteSession(SESSION.id);
    await until(() => ended.length === 1);
    expect(ended).toEqual([SESSION.id]);
  });

  it('keeps out an entry of the session written after it ended (a lookup on its way)', async () => {
    const store = storeOf();
    await store.deleteSession(SESSION.id);
    await store.set('late', withSession(), 60_000);
    expect(await store.get('late')).toBeUndefined();
  });

  it('drops an out-of-date entry without a sign-out marker on invalidate()', async () => {
    const store = storeOf();
    const { heard } = listening(store);
    await until(async () => (await subscribers('pingone-session:signed-out')) === 1);
    await store.set('k', withSession(), 60_000);
    await store.invalidate('k');
    expect(await store.get('k')).toBeUndefined();
    await until(() => heard.includes('k'));
    await store.set('k', withSession(), 60_000);
    expect((await store.get('k'))?.session).toEqual(SESSION);
  });
});
