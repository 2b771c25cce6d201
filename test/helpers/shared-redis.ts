import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import { pingSession, type PingSessionOptions } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RedisStore } from '../../src/redis';
import { startRedisServer, subscriberCount, type RedisServer } from './redis-server';
import { until } from './wait';

const KEY_SECRET = 'shared-by-every-instance-0123456789abcdef';
/** RedisStore's sign-out channel under the default prefix. */
export const SIGNED_OUT_CHANNEL = 'pingone-session:signed-out';

/** What a suite of instances sharing one Redis works with; renewed before each test. */
export interface SharedRedis {
  redis: RedisServer;
  emulator: Emulator;
  /** A client of the test's own, to look into Redis. */
  admin: Redis;
  /** Every store a test opens goes here, to be closed after it. */
  stores: RedisStore[];
  /**
   * One app instance, as behind a load balancer: `pingSession(options)` with its own memory and a
   * RedisStore of the shared Redis, and `GET /me` (the session or `null`). Waits until every
   * instance hears sign-outs, unless Redis is meant to be away.
   */
  instance(options?: PingSessionOptions, wait?: { redisAway?: boolean }): Promise<Express>;
}

/**
 * Registers the suite's hooks: one real redis-server for the file; before each test a fresh
 * emulator and an empty Redis; after it, every store closed, nothing left running.
 */
export function useSharedRedis(): SharedRedis {
  const shared = {
    async instance(options = {}, { redisAway = false } = {}) {
      const store = new RedisStore({ url: shared.redis.url });
      shared.stores.push(store);
      const app = express();
      app.use(
        pingSession({
          ...shared.emulator.options(),
          cache: { store, keySecret: KEY_SECRET },
          ...options,
        }),
      );
      app.get('/me', (req, res) => res.json(req.pingSession ?? null));
      if (!redisAway) {
        await until(
          async () =>
            (await subscriberCount(shared.admin, SIGNED_OUT_CHANNEL)) === shared.stores.length,
        );
      }
      return app;
    },
  } as SharedRedis;
  beforeAll(async () => {
    shared.redis = await startRedisServer();
  });
  afterAll(() => shared.redis.stop());
  beforeEach(async () => {
    shared.emulator = await startEmulator();
    shared.admin = new Redis(shared.redis.url);
    await shared.admin.flushall();
    shared.stores = [];
  });
  afterEach(async () => {
    await Promise.all(shared.stores.map((store) => store.close()));
    shared.admin.disconnect();
    await shared.emulator.close();
  });
  return shared;
}
