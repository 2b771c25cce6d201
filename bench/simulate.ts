/*
 * `npm run simulate`: the capacity model (bench/capacity-model.ts) for 10 000, 100 000 and
 * 1 000 000 active users, then a check of the model against a small real run: the same inputs
 * through real pingSession() instances sharing a real Redis, against the emulator. Exits 1 when
 * the model and the real run disagree by more than the check allows.
 *
 *   npm run simulate                    the table, then the check
 *   npm run simulate -- --budget 2000,5000   the table with other budgets (reads per second)
 *   npm run simulate -- --no-check      the table only
 *   npm run simulate -- --plot docs/scale-reads.svg   also draws PingOne reads/s by users
 */
import { subscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { pingSession } from '../src';
import { CHANNELS, type LookupMessage } from '../src/core/channels';
import { startEmulator } from '../src/emulator';
import { RedisStore } from '../src/redis';
import { startRedisServer } from '../test/helpers/redis-server';
import { runModel, type ModelInputs, type ModelResult } from './capacity-model';

/** Heap per session held in memory, measured by `npm run bench` (bench/results.md). */
const HEAP_BYTES_PER_SESSION = 1015;

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1e6, 1)} MB`;
const seconds = (ms: number) => `${fmt(ms / 1000, 1)} s`;

/** PingOne reads/s by active users, with and without the budget: a log-log SVG. */
function plot(file: string, points: { users: number; budget?: number; reads: number }[]): void {
  const [width, height, left, bottom, top, right] = [640, 360, 70, 50, 20, 150];
  const xs = [1e4, 1e6];
  const ys = [10, 1e5];
  const x = (u: number) =>
    left + ((Math.log10(u) - 4) / (Math.log10(xs[1]!) - 4)) * (width - left - right);
  const y = (r: number) =>
    height - bottom - ((Math.log10(r) - 1) / (Math.log10(ys[1]!) - 1)) * (height - bottom - top);
  const series = [...new Set(points.map((p) => p.budget))];
  const colours = ['#c0392b', '#2471a3', '#1e8449'];
  const lines = series.map((budget, i) => {
    const pts = points.filter((p) => p.budget === budget);
    const path = pts.map((p) => `${x(p.users).toFixed(1)},${y(p.reads).toFixed(1)}`).join(' ');
    const label = budget === undefined ? 'no budget' : `budget ${fmt(budget)}/s`;
    return (
      `<polyline fill="none" stroke="${colours[i]}" stroke-width="2" points="${path}"/>` +
      pts
        .map(
          (p) =>
            `<circle cx="${x(p.users).toFixed(1)}" cy="${y(p.reads).toFixed(1)}" r="3" fill="${colours[i]}"/>`,
        )
        .join('') +
      `<text x="${width - right + 10}" y="${top + 20 + i * 20}" fill="${colours[i]}">${label}</text>`
    );
  });
  const grid = [
    ...[1e4, 1e5, 1e6].map(
      (u) =>
        `<line x1="${x(u)}" x2="${x(u)}" y1="${top}" y2="${height - bottom}" stroke="#ddd"/>` +
        `<text x="${x(u)}" y="${height - bottom + 18}" text-anchor="middle">${fmt(u)}</text>`,
    ),
    ...[10, 100, 1e3, 1e4, 1e5].map(
      (r) =>
        `<line x1="${left}" x2="${width - right}" y1="${y(r)}" y2="${y(r)}" stroke="#ddd"/>` +
        `<text x="${left - 6}" y="${y(r) + 4}" text-anchor="end">${fmt(r)}</text>`,
    ),
  ];
  writeFileSync(
    file,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">` +
      `<rect width="100%" height="100%" fill="white"/>${grid.join('')}${lines.join('')}` +
      `<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">active users (8 instances, ttlMs 30 s, a request every 15 s)</text>` +
      `<text transform="translate(16 ${(height - bottom + top) / 2}) rotate(-90)" text-anchor="middle">PingOne session reads/s</text></svg>\n`,
  );
}

function table(redisBytesPerEntry: number): void {
  const budgets = (argument('budget') ?? '1000,10000').split(',').map(Number);
  const base = {
    instances: 8,
    ttlMs: 30_000,
    thinkMs: 15_000,
    store: 'redis',
    rampMs: 60_000,
    warmupMs: 120_000,
    measureMs: 120_000,
    endedSessions: 1000,
  } satisfies Omit<ModelInputs, 'users'>;
  console.log(
    `8 instances sharing Redis, ttlMs 30 s, a request per user every 15 s on average (exponential), ` +
      `to a random instance; a budget of ${budgets.map((b) => fmt(b)).join(' or ')} reads/s with maxStaleMs 120 s, or none. ` +
      `Measured over 120 s after 120 s of warm-up.\n`,
  );
  console.log(
    '| active users | budget | PingOne reads/s (busiest s) | served past ttlMs | unavailable | ended at PingOne: served for p50 / p99 | Redis ops/s | memory per instance | Redis |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const plotTo = argument('plot');
  const points: { users: number; budget?: number; reads: number }[] = [];
  const sizes = plotTo
    ? [10_000, 30_000, 100_000, 300_000, 1_000_000]
    : [10_000, 100_000, 1_000_000];
  for (const users of sizes) {
    for (const perSecond of [undefined, ...budgets]) {
      const result = runModel({ ...base, users, budget: perSecond });
      points.push({ users, budget: perSecond, reads: result.readsPerSecond });
      if ([10_000, 100_000, 1_000_000].includes(users)) {
        row(users, perSecond, result, redisBytesPerEntry);
      }
    }
  }
  if (plotTo) plot(plotTo, points);
}

function row(
  users: number,
  budget: number | undefined,
  r: ModelResult,
  redisBytesPerEntry: number,
): void {
  console.log(
    `| ${fmt(users)} | ${budget === undefined ? 'none' : fmt(budget)} | ${fmt(r.readsPerSecond)} (${fmt(r.busiestSecond)}) | ` +
      `${fmt(r.deferredShare * 100, 1)}% | ${fmt(r.unavailable)} | ` +
      `${seconds(r.endedServedMs.p50)} / ${seconds(r.endedServedMs.p99)} | ${fmt(r.redisOpsPerSecond)} | ` +
      `${mb(r.entriesPerInstance * HEAP_BYTES_PER_SESSION)} | ${mb(r.entriesInStore * redisBytesPerEntry)} |`,
  );
}

/** What the real run measured, in the model's terms. */
interface RealResult {
  requests: number;
  readsPerSecond: number;
  deferredShare: number;
  unavailable: number;
  redisBytesPerEntry: number;
}

/**
 * The model's inputs, run for real: `instances` apps in this process, each its own
 * pingSession() and RedisStore on one redis-server, users requesting `GET /me` at exponential
 * intervals from a random instance.
 */
async function realRun(inputs: ModelInputs): Promise<RealResult> {
  const redis = await startRedisServer();
  const emulator = await startEmulator();
  const stores: RedisStore[] = [];
  const lookups: LookupMessage[] = [];
  subscribe(CHANNELS.lookup, (m) => void lookups.push(m as LookupMessage));
  const servers = Array.from({ length: inputs.instances }, () => {
    const store = new RedisStore({ url: redis.url });
    stores.push(store);
    const app = express();
    app.use(
      pingSession({
        ...emulator.options(),
        logger: false,
        unknownTokenBudget: false,
        cache: {
          store,
          keySecret: 'simulate-secret-shared-by-every-instance',
          ttlMs: inputs.ttlMs,
          storeTimeoutMs: 1000,
          ...(inputs.budget !== undefined && {
            pingOneReadsPerSecond: inputs.budget,
            maxStaleMs: inputs.maxStaleMs,
          }),
        },
      }),
    );
    app.get('/me', (req, res) => res.json(req.pingSession?.id ?? null));
    return app.listen(0, '127.0.0.1');
  });
  try {
    await Promise.all(servers.map((server) => once(server, 'listening')));
    const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/me`);
    const start = Date.now();
    const measureFrom = start + inputs.warmupMs;
    const measureTo = measureFrom + inputs.measureMs;
    let requests = 0;
    let unavailable = 0;
    let lookupsBefore = 0;
    const user = async (i: number) => {
      await sleep((i / inputs.users) * inputs.rampMs);
      const { token } = emulator.createSession();
      for (;;) {
        await sleep(-inputs.thinkMs * Math.log(1 - Math.random()));
        const now = Date.now();
        if (now >= measureTo) return;
        const url = urls[Math.floor(Math.random() * urls.length)]!;
        const res = await fetch(url, { headers: { Cookie: `ST=${token}` } });
        const id = (await res.json()) as string | null;
        if (now >= measureFrom) {
          requests += 1;
          if (id === null) unavailable += 1;
        }
      }
    };
    setTimeout(() => (lookupsBefore = lookups.length), inputs.warmupMs).unref();
    await Promise.all(Array.from({ length: inputs.users }, (_, i) => user(i)));
    const measured = lookups.slice(lookupsBefore);
    const reads = emulator.requests.filter(
      (r) => r.method === 'GET' && r.at >= measureFrom && r.at < measureTo,
    ).length;
    const admin = new Redis(redis.url);
    const keys = (await admin.keys('pingone-session:*')).filter((k) => !k.includes(':session:'));
    const sizes = await Promise.all(keys.slice(0, 50).map((k) => admin.memory('USAGE', k)));
    admin.disconnect();
    return {
      requests,
      readsPerSecond: reads / (inputs.measureMs / 1000),
      deferredShare: measured.filter((l) => l.outcome === 'deferred').length / requests,
      unavailable,
      redisBytesPerEntry: sizes.reduce((a: number, b) => a + (b ?? 0), 0) / sizes.length,
    };
  } finally {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all(stores.map((store) => store.close()));
    await emulator.close();
    await redis.stop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The model against the real run, on inputs small enough for one machine. */
async function check(): Promise<{ ok: boolean; redisBytesPerEntry: number }> {
  const small: ModelInputs = {
    users: 150,
    instances: 2,
    ttlMs: 1000,
    thinkMs: 300,
    store: 'redis',
    rampMs: 1500,
    warmupMs: 4000,
    measureMs: 8000,
    endedSessions: 0,
  };
  let ok = true;
  let redisBytesPerEntry = 0;
  console.log(
    '\nCheck: 150 users, 2 instances, ttlMs 1 s, a request every 300 ms on average, 8 s measured.\n',
  );
  console.log('| budget | measure | model | real run | allowed difference | |');
  console.log('|---:|---|---:|---:|---|---|');
  for (const budget of [undefined, 30]) {
    const inputs = { ...small, budget, maxStaleMs: budget === undefined ? undefined : 8000 };
    const model = runModel(inputs);
    const real = await realRun(inputs);
    redisBytesPerEntry = Math.max(redisBytesPerEntry, real.redisBytesPerEntry);
    const compare = (measure: string, m: number, r: number, allowed: number, relative: boolean) => {
      const difference = relative ? Math.abs(m - r) / Math.max(m, r) : Math.abs(m - r);
      const pass = difference <= allowed;
      ok &&= pass;
      const shown = relative ? `${fmt(allowed * 100)}%` : fmt(allowed, 2);
      console.log(
        `| ${budget ?? 'none'} | ${measure} | ${fmt(m, 2)} | ${fmt(r, 2)} | ${shown} | ${pass ? 'pass' : 'FAIL'} |`,
      );
    };
    compare('PingOne reads/s', model.readsPerSecond, real.readsPerSecond, 0.15, true);
    compare('share served past ttlMs', model.deferredShare, real.deferredShare, 0.1, false);
    compare(
      'share unavailable',
      model.unavailable / model.requests,
      real.unavailable / real.requests,
      0.02,
      false,
    );
  }
  return { ok, redisBytesPerEntry };
}

async function main(): Promise<void> {
  let redisBytesPerEntry = 0;
  let ok = true;
  if (!process.argv.includes('--no-check')) ({ ok, redisBytesPerEntry } = await check());
  console.log('');
  // Without the check, Redis memory is counted at the size the check measured on 2026-12-02.
  if (!process.argv.includes('--no-table')) table(redisBytesPerEntry || 1400);
  if (!ok) {
    console.error('\nThe model and the real run disagree: the model no longer follows the code.');
    process.exitCode = 1;
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
