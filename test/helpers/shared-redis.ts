import express, { type Express } from 'express';
import { Cluster, Redis } from 'ioredis';
import { pingSession, type PingSessionOptions } from '../../src';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { RedisStore } from '../../src/redis';
import {
  startRedisCluster,
  startRedisServer,
  subscriberCount,
  type RedisCluster,
  type RedisServer,
} from './redis-server';
import { until } from './wait';

export const KEY_SECRET = 'shared-by-every-instance-0123456789abcdef';
/** RedisStore's sign-out channel under the default prefix. */
export const SIGNED_OUT_CHANNEL = 'pingone-session:signed-out';

/**
 * `PINGONE_TEST_REDIS=cluster` runs the suites that share Redis against a Redis Cluster of three
 * primaries instead of one server (`npm run test:cluster`).
 */
export const ON_CLUSTER = process.env.PINGONE_TEST_REDIS === 'cluster';

/** What a suite of instances sharing one Redis works with; renewed before each test. */
export interface SharedRedis {
  /** The server, or every node of the cluster at once. */
  redis: Pick<RedisServer, 'kill' | 'restart' | 'freeze' | 'thaw' | 'stop'>;
  emulator: Emulator;
  /** A client of the test's own, to look into Redis. */
  admin: Redis;
  /** Every store a test opens goes here, to be closed after it. */
  stores: RedisStore[];
  /**
   * One app instance, as behind a load balancer: `pingSession(options)` with its own memory and a
   * RedisStore of the shared Redis (`options.cache` adds to the store and its key secret), and
   * `GET /me` (the session or `null`). Waits until every
   * instance hears sign-outs, unless Redis is meant to be away.
   */
  instance(options?: PingSessionOptions, wait?: { redisAway?: boolean }): Promise<Express>;
}

/**
 * Registers the suite's hooks: one real redis-server for the file; before each test a fresh
 * emulator and an empty Redis; after it, every store closed, nothing left running.
 */
export function useSharedRedis(emulatorOptions: EmulatorOptions = {}): SharedRedis {
  const shared = {
    async instance({ cache, ...options } = {}, { redisAway = false } = {}) {
      const store = new RedisStore({ url: urls });
      shared.stores.push(store);
      const app = express();
      app.use(
        pingSession({
          ...shared.emulator.options(),
          cache: { store, keySecret: KEY_SECRET, ...cache },
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
  let urls: string | string[];
  let nodes: RedisCluster['nodes'] = [];
  beforeAll(async () => {
    if (ON_CLUSTER) {
      const cluster = await startRedisCluster(3);
      [shared.redis, urls, nodes] = [cluster, cluster.urls, cluster.nodes];
    } else {
      const server = await startRedisServer();
      [shared.redis, urls] = [server, server.url];
    }
  }, 60_000);
  afterAll(() => shared.redis.stop());
  beforeEach(async () => {
    shared.emulator = await startEmulator(emulatorOptions);
    shared.admin = ON_CLUSTER ? clusterAdmin(nodes) : new Redis(urls as string);
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

/**
 * A cluster client the suites can use as they use one server's: `KEYS` and `FLUSHALL` on every
 * primary (a cluster answers them per node), every other command sent to its key's node.
 */
function clusterAdmin(nodes: RedisCluster['nodes']): Redis {
  const cluster = new Cluster(nodes, { redisOptions: { disconnectTimeout: 0 } });
  // Tests kill the nodes: the admin reconnects like any client, quietly.
  cluster.on('error', () => {});
  // Its nodes are known once it is ready.
  const ready = new Promise<void>((resolve) => cluster.once('ready', () => resolve()));
  const primaries = async () => {
    await ready;
    return cluster.nodes('master');
  };
  return Object.assign(cluster, {
    keys: async (pattern: string) =>
      (await Promise.all((await primaries()).map((node) => node.keys(pattern)))).flat(),
    flushall: async () => {
      await Promise.all((await primaries()).map((node) => node.flushall()));
      return 'OK' as const;
    },
  }) as unknown as Redis;
}
