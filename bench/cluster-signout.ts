/*
 * `npm run bench:cluster`: sign-outs on a Redis Cluster at the scale issue 32 asks about. Starts
 * a local cluster of three primaries, an emulator and 8 app instances (each its own
 * pingSession() and RedisStore, listening on a loopback port); 10 000 users are read through
 * every instance, so each holds them all in memory; then 200 users sign out, each on a random
 * instance, and right after the sign-out answers, every other instance is asked for the token.
 * Prints how many of those 1 400 requests still got the session, and how long until all seven
 * refused it.
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { pingSession } from '../src';
import { startEmulator } from '../src/emulator';
import { RedisStore } from '../src/redis';
import { startRedisCluster } from '../test/helpers/redis-server';

const INSTANCES = 8;
const USERS = 10_000;
const SIGN_OUTS = 200;
const KEY_SECRET = 'bench-secret-shared-by-every-instance-0123';

async function main(): Promise<void> {
  const cluster = await startRedisCluster(3);
  const emulator = await startEmulator();
  const stores: RedisStore[] = [];
  const servers: Server[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < INSTANCES; i += 1) {
      const store = new RedisStore({ url: cluster.urls });
      stores.push(store);
      const app = express();
      app.use(
        pingSession({
          ...emulator.options(),
          // Entries outlive the run: a refusal comes from the sign-out, never from expiry.
          cache: { store, keySecret: KEY_SECRET, ttlMs: 3_600_000, max: USERS * 2 },
          unknownTokenBudget: false,
        }),
      );
      app.get('/me', (req, res) => res.json(req.pingSession?.id ?? null));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const users = Array.from({ length: USERS }, () => emulator.createSession().token);
    const me = async (url: string, token: string) =>
      (await (await fetch(`${url}/me`, { headers: { Cookie: `ST=${token}` } })).json()) as
        string | null;
    const warmed = performance.now();
    await inParallel(50, users.length * INSTANCES, async (n) => {
      await me(urls[n % INSTANCES]!, users[Math.floor(n / INSTANCES)]!);
    });
    console.log(
      `${USERS} users read through ${INSTANCES} instances in ${Math.round(performance.now() - warmed)} ms`,
    );
    const readsBefore = emulator.counts().sessionReads;

    let stale = 0;
    const untilAllRefused: number[] = [];
    for (let i = 0; i < SIGN_OUTS; i += 1) {
      const token = users[i * Math.floor(USERS / SIGN_OUTS)]!;
      const on = i % INSTANCES;
      const res = await fetch(`${urls[on]}/logout`, {
        method: 'POST',
        headers: { Cookie: `ST=${token}`, 'Sec-Fetch-Site': 'same-origin' },
      });
      if (res.status !== 204) throw new Error(`sign-out answered ${res.status}`);
      const answered = performance.now();
      const others = urls.filter((_url, j) => j !== on);
      const first = await Promise.all(others.map((url) => me(url, token)));
      stale += first.filter((id) => id !== null).length;
      let left = others.filter((_url, j) => first[j] !== null);
      while (left.length > 0) {
        const again = await Promise.all(left.map((url) => me(url, token)));
        left = left.filter((_url, j) => again[j] !== null);
      }
      untilAllRefused.push(performance.now() - answered);
    }
    console.log(
      `after ${SIGN_OUTS} sign-outs, the other ${INSTANCES - 1} instances' next request still got the session: ${stale} of ${SIGN_OUTS * (INSTANCES - 1)}`,
    );
    console.log(`until all ${INSTANCES - 1} refused: ${summary(untilAllRefused)}`);
    console.log(
      `PingOne session reads during the sign-outs: ${emulator.counts().sessionReads - readsBefore}`,
    );
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await Promise.all(stores.map((store) => store.close()));
    await emulator.close();
    await cluster.stop();
  }
}

async function inParallel(loops: number, total: number, step: (n: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      for (let n = next++; n < total; n = next++) await step(n);
    }),
  );
}

function summary(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  return `p50 ${ms(at(0.5))}, p99 ${ms(at(0.99))}, max ${ms(sorted[sorted.length - 1]!)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
