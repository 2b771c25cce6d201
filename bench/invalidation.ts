/*
 * How fast a logout on one instance reaches the others through a shared RedisStore.
 * `npm run bench:invalidation`. Starts its own redis-server and emulator on free loopback ports.
 *
 * 1. Delivery: from RedisStore.delete() on instance B to instance A's store listener hearing it.
 * 2. What users see: after B's POST /logout has answered, is A's very next request refused?
 */
import { performance } from 'node:perf_hooks';
import express from 'express';
import request from 'supertest';
import { pingSession, type StoreListener } from '../src';
import { startEmulator } from '../src/emulator';
import { RedisStore } from '../src/redis';
import { startRedisServer } from '../test/helpers/redis-server';

const DELIVERIES = 2000;
const LOGOUTS = 300;
const KEY_SECRET = 'bench-secret-shared-by-every-instance-0123';

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const emulator = await startEmulator();
  const stores: RedisStore[] = [];
  const storeOf = () => {
    const store = new RedisStore({ url: redis.url });
    stores.push(store);
    return store;
  };
  try {
    console.log(`delivery (${DELIVERIES} deletions):`, summary(await deliveries(storeOf)));
    const stale = await staleAfterLogout(storeOf, emulator);
    console.log(
      `after a logout on B, A's next request still got the session: ${stale} of ${LOGOUTS}`,
    );
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await emulator.close();
    await redis.stop();
  }
}

async function deliveries(storeOf: () => RedisStore): Promise<number[]> {
  const a = storeOf();
  const b = storeOf();
  const pending = new Map<string, (at: number) => void>();
  const listener: StoreListener = {
    deleted: (key) => pending.get(key)?.(performance.now()),
    missed: () => undefined,
  };
  a.subscribe(listener);
  await settle();
  const delays: number[] = [];
  for (let i = 0; i < DELIVERIES; i += 1) {
    const key = `key-${i}`;
    const heard = new Promise<number>((resolve) => pending.set(key, resolve));
    const started = performance.now();
    await b.delete(key);
    delays.push((await heard) - started);
    pending.delete(key);
  }
  return delays;
}

async function staleAfterLogout(
  storeOf: () => RedisStore,
  emulator: Awaited<ReturnType<typeof startEmulator>>,
): Promise<number> {
  const instance = () => {
    const app = express();
    app.use(
      pingSession({
        ...emulator.options(),
        cache: { store: storeOf(), keySecret: KEY_SECRET },
      }),
    );
    app.get('/me', (req, res) => res.json(req.pingSession ?? null));
    return app.listen(0, '127.0.0.1');
  };
  const [a, b] = [instance(), instance()];
  await settle();
  let stale = 0;
  try {
    for (let i = 0; i < LOGOUTS; i += 1) {
      const { token } = emulator.createSession();
      await request(a).get('/me').set('Cookie', `ST=${token}`);
      await request(b)
        .post('/logout')
        .set('Sec-Fetch-Site', 'same-origin')
        .set('Cookie', `ST=${token}`);
      const after = await request(a).get('/me').set('Cookie', `ST=${token}`);
      if (after.body !== null) stale += 1;
    }
  } finally {
    a.close();
    b.close();
  }
  return stale;
}

/** Connections and subscriptions come up in the background. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function summary(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  return `p50 ${ms(at(0.5))}, p99 ${ms(at(0.99))}, max ${ms(sorted[sorted.length - 1]!)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
