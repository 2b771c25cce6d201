import express from 'express';
import { Cluster } from 'ioredis';
import request from 'supertest';
import { pingSession } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RedisStore } from '../../src/redis';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-server';
import { signOut } from '../helpers/test-bed';
import { until } from '../helpers/wait';

// A primary of the cluster crashes; its replica takes over after cluster-node-timeout (2 s). A
// sign-out made meanwhile must still stop every instance serving the session.
let cluster: RedisCluster;
let admin: Cluster;
let emulator: Emulator;
const stores: RedisStore[] = [];
beforeAll(async () => {
  cluster = await startRedisCluster(3, 1);
  admin = new Cluster(cluster.nodes, { redisOptions: { disconnectTimeout: 0 } });
  admin.on('error', () => {});
  emulator = await startEmulator();
}, 60_000);
// The cluster's servers are stopped however the rest closes, with time to spare: after a run
// that failed on a loaded machine, five of them were found still running.
afterAll(async () => {
  try {
    await Promise.all(stores.map((store) => store.close()));
    admin.disconnect();
    await emulator.close();
  } finally {
    await cluster.stop();
  }
}, 30_000);

function instance() {
  const store = new RedisStore({ url: cluster.urls });
  stores.push(store);
  const app = express();
  app.use(
    pingSession({
      ...emulator.options(),
      cache: { store, keySecret: 'shared-by-every-instance-0123456789abcdef' },
    }),
  );
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  return app;
}
const me = (app: express.Express, token: string) =>
  request(app).get('/me').set('Cookie', `ST=${token}`);

/** The port of the primary that holds `key`, from the cluster's own slot map. */
async function primaryOf(key: string): Promise<number> {
  const slot = (await admin.call('CLUSTER', 'KEYSLOT', key)) as number;
  const ranges = (await admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const owner = ranges.find(([from, to]) => slot >= from && slot <= to)!;
  return owner[2][1];
}

describe('a primary failing over', () => {
  it('loses no sign-out made during the failover: no instance serves the session after it', async () => {
    const [a, b] = [instance(), instance()];
    const { token, session } = emulator.createSession();
    await until(async () => (await me(a, token)).body?.id === session.id);
    const entries = (
      await Promise.all(admin.nodes('master').map((node) => node.keys('pingone-session:*')))
    )
      .flat()
      .filter((key) => !key.includes('{'));
    expect(entries).toHaveLength(1);
    await cluster.killNode(await primaryOf(entries[0]!));

    expect((await signOut(b, token)).status).toBe(204);
    // a held the session in memory; it must stop serving it within a few seconds (the
    // failover's own 2 s, and the heartbeat's second), never for the cache's ttlMs (30 s).
    const signedOutAt = Date.now();
    await until(async () => (await me(a, token)).body === null, 10_000);
    expect(Date.now() - signedOutAt).toBeLessThan(8_000);
    // Once the replica has taken over, Redis itself holds the sign-out: a new instance, with
    // nothing in memory, refuses the session too.
    const c = instance();
    await until(async () => (await me(c, token)).body === null, 10_000);
    expect(emulator.sessionState(token)).toBe('reset');
  }, 40_000);
});
