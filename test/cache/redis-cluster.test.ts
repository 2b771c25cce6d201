import { Cluster } from 'ioredis';
import { ConfigError, type PingSession, type StoredLookup } from '../../src';
import { RedisStore } from '../../src/redis';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-server';
import { sessionJson } from '../helpers/session-json';
import { until } from '../helpers/wait';

// RedisStore on a Redis Cluster of three primaries, given as an ioredis Cluster or as URLs. The
// shared suites run on a cluster too (npm run test:cluster); these are the cluster's own points.
let cluster: RedisCluster;
let client: Cluster;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
  client = new Cluster(cluster.nodes, { redisOptions: { disconnectTimeout: 0 } });
}, 60_000);
afterAll(async () => {
  client.disconnect();
  await cluster.stop();
});

const SESSION = sessionJson('env-1') as unknown as PingSession;
const withSession = (): StoredLookup => ({
  session: SESSION,
  validUntil: Date.now() + 60_000,
  checkedAt: Date.now(),
});

describe('RedisStore on a Redis Cluster', () => {
  it('takes an ioredis Cluster as client, and leaves it open on close', async () => {
    const store = new RedisStore({ client });
    await store.set('k', withSession(), 60_000);
    expect((await store.get('k'))?.session?.id).toBe(SESSION.id);
    await store.close();
    expect(client.status).toBe('ready');
  });

  it("keeps a session's index and ended marker in one hash slot", async () => {
    const store = new RedisStore({ client });
    await store.set('k2', withSession(), 60_000);
    await store.deleteSession(SESSION.id);
    const keys = (
      await Promise.all(client.nodes('master').map((node) => node.keys('pingone-session:*')))
    ).flat();
    const tagged = keys.filter((key) => key.includes('{'));
    expect(tagged.length).toBeGreaterThan(0);
    const slots = await Promise.all(tagged.map((key) => client.call('CLUSTER', 'KEYSLOT', key)));
    expect(new Set(slots).size).toBe(1);
    await store.close();
  });

  it('tells every instance of a sign-out, whichever node each listens on', async () => {
    const urls = cluster.urls;
    const stores = Array.from({ length: 4 }, () => new RedisStore({ url: urls }));
    const heard = stores.map(() => [] as string[]);
    stores.forEach((store, i) =>
      store.subscribe({ deleted: (key) => heard[i]!.push(key), missed: () => undefined }),
    );
    // Each listens once its node connection is up: wait until a sign-out reaches all of them.
    await until(async () => {
      await stores[0]!.delete('probe');
      return heard.every((keys) => keys.includes('probe'));
    });
    await stores[1]!.delete('signed-out');
    await until(() => heard.every((keys) => keys.includes('signed-out')));
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses an empty list of URLs, naming the option', () => {
    expect(() => new RedisStore({ url: [] })).toThrow(ConfigError);
    expect(() => new RedisStore({ url: ['http://x'] })).toThrow(/RedisStore url/);
  });
});
