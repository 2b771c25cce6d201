import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Express } from 'express';
import request from 'supertest';
import type { PingSessionOptions } from '../../src';
import { CHANNELS, type LookupMessage } from '../../src/core/channels';
import { busiestSecond, LOAD, LOAD_CACHE, userLoad } from '../helpers/read-load';
import { useSharedRedis } from '../helpers/shared-redis';
import { signOut } from '../helpers/test-bed';
import { sleep } from '../helpers/wait';

// PingOne answers reads past 10 in a second with 429, as a licence's limit would.
const shared = useSharedRedis({ sessionReadsPerSecond: 10 });

let lookups: LookupMessage[];
const onLookup = (message: unknown) => void lookups.push(message as LookupMessage);
beforeEach(() => {
  lookups = [];
  subscribe(CHANNELS.lookup, onLookup);
});
afterEach(() => unsubscribe(CHANNELS.lookup, onLookup));

const sessionReads = () => shared.emulator.requests.filter((r) => r.method === 'GET');
const me = (app: Express, token: string) => request(app).get('/me').set('Cookie', `ST=${token}`);
const deferred = () => lookups.filter((l) => l.outcome === 'deferred');

/** An instance with this cache (besides the shared store), quiet. */
const budgeted = (cache: PingSessionOptions['cache']) => shared.instance({ cache, logger: false });
const FAST = { ttlMs: 100, pingOneReadsPerSecond: 2, maxStaleMs: 5000 };

describe('instances sharing a read budget in Redis', () => {
  it('keep PingOne reads under the budget together when demand needs five times it, serving no answer older than maxStaleMs', async () => {
    // A store answer slower than storeTimeoutMs counts the read by one instance alone (so users
    // still get in while Redis struggles): given room here, as a loaded test machine is slow.
    const cache = { ...LOAD_CACHE, storeTimeoutMs: 1000 };
    const apps = await Promise.all([1, 2, 3].map(() => budgeted(cache)));
    const load = await userLoad(apps, shared.emulator, LOAD);
    expect([load.failures, load.firstFailure]).toEqual([0, undefined]);
    expect(sessionReads().filter((r) => r.fault !== undefined)).toHaveLength(0);
    expect(busiestSecond(sessionReads().map((r) => r.at))).toBeLessThanOrEqual(10);
    const ages = deferred().map((l) => l.ageMs!);
    expect(ages.length).toBeGreaterThan(load.requests / 2);
    expect(Math.max(...ages)).toBeLessThan(LOAD_CACHE.maxStaleMs);
  });

  it("let a fresh answer one instance read serve another's stale copy without a read", async () => {
    const [a, b] = [
      await budgeted({ ...FAST, ttlMs: 300 }),
      await budgeted({ ...FAST, ttlMs: 300 }),
    ];
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await me(b, token);
    await sleep(1100);
    await me(a, token);
    await me(b, token);
    expect(sessionReads()).toHaveLength(2);
    expect(deferred()).toHaveLength(0);
  });

  it('never serve a deferred session once another instance signed its token out', async () => {
    const [a, b] = [await budgeted(FAST), await budgeted(FAST)];
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await sleep(150);
    expect((await me(a, token)).body).not.toBeNull();
    expect(deferred()).toHaveLength(1);
    expect((await signOut(b, token)).status).toBe(204);
    expect((await me(a, token)).body).toBeNull();
  });

  it("keep reading sessions by each instance's own count while Redis is away", async () => {
    const a = await budgeted(FAST);
    await shared.redis.kill();
    try {
      const { token, session } = shared.emulator.createSession();
      expect((await me(a, token)).body).toEqual(session);
      expect(sessionReads()).toHaveLength(1);
    } finally {
      await shared.redis.restart();
    }
  });
});

describe('a session ended at PingOne while instances hold it past its fresh life', () => {
  it('is refused by every instance once one instance reads that it ended', async () => {
    const [a, b] = [await budgeted(FAST), await budgeted(FAST)];
    const { token } = shared.emulator.createSession();
    await me(a, token);
    await me(b, token);
    // b's renewals are refused for a second: it would serve what it holds.
    await sleep(150);
    expect((await me(b, token)).body).not.toBeNull();
    shared.emulator.resetSession(token);
    await sleep(1000);
    expect((await me(a, token)).body).toBeNull();
    expect((await me(b, token)).body).toBeNull();
  });
});
