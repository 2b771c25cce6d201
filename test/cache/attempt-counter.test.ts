import { Redis } from 'ioredis';
import { memoryAttemptCounter } from '../../src/cache/attempt-counter';
import { RedisStore } from '../../src/redis';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

// Attempts per key in a window, counted before the attempt and given back when it went well.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());

const limit = { name: 'test', limit: 2, windowMs: 60_000 };

describe('an attempt counter in memory', () => {
  it('allows limit attempts per key, then says how long to wait', async () => {
    const counter = memoryAttemptCounter(limit);
    expect(await counter.take('k')).toBe(0);
    expect(await counter.take('k')).toBe(0);
    const wait = await counter.take('k');
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await counter.take('other')).toBe(0);
  });

  it('counts an attempt given back as not made', async () => {
    const counter = memoryAttemptCounter(limit);
    await counter.take('k');
    await counter.take('k');
    await counter.giveBack('k');
    expect(await counter.take('k')).toBe(0);
  });
});

describe("a RedisStore's attempt counter", () => {
  let client: Redis;
  let stores: RedisStore[];
  beforeEach(async () => {
    client = new Redis(redis.url, { disconnectTimeout: 0 });
    await client.flushall();
    stores = [new RedisStore({ url: redis.url }), new RedisStore({ url: redis.url })];
    // Connected: a read waits for the first connection.
    await Promise.all(stores.map((store) => store.get('nothing')));
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    client.disconnect();
  });

  it('shares one count between the instances using it', async () => {
    const [a, b] = stores.map((store) => store.attemptCounter(limit, 500));
    expect(await a!.take('k')).toBe(0);
    expect(await b!.take('k')).toBe(0);
    expect(await a!.take('k')).toBeGreaterThan(0);
    expect(await client.keys('pingone-session:limit:test*')).toHaveLength(1);
  });

  it('counts in memory while Redis is frozen, answering within its timeout', async () => {
    const counter = stores[0]!.attemptCounter(limit, 100);
    await counter.take('warm');
    redis.freeze();
    try {
      const started = Date.now();
      expect(await counter.take('k')).toBe(0);
      expect(await counter.take('k')).toBe(0);
      expect(await counter.take('k')).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      redis.thaw();
    }
  });

  it('counts in memory while Redis is down', async () => {
    const counter = stores[0]!.attemptCounter(limit, 100);
    await redis.kill();
    try {
      expect(await counter.take('k')).toBe(0);
      expect(await counter.take('k')).toBe(0);
      expect(await counter.take('k')).toBeGreaterThan(0);
    } finally {
      await redis.restart();
    }
  });
});
