import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { type PingSessionOptions } from '../../src';
import { CHANNELS, type LookupMessage, type ReadBudgetMessage } from '../../src/core/channels';
import { ReadBudget } from '../../src/cache/read-budget';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { busiestSecond, userLoad } from '../helpers/read-load';
import { sleep } from '../helpers/wait';

describe('cache.pingOneReadsPerSecond', () => {
  let bed: TestBed;
  let lookups: LookupMessage[];
  let budget: ReadBudgetMessage[];
  const onLookup = (message: unknown) => void lookups.push(message as LookupMessage);
  const onBudget = (message: unknown) => void budget.push(message as ReadBudgetMessage);
  beforeEach(() => {
    [lookups, budget] = [[], []];
    subscribe(CHANNELS.lookup, onLookup);
    subscribe(CHANNELS.readBudget, onBudget);
  });
  afterEach(async () => {
    unsubscribe(CHANNELS.lookup, onLookup);
    unsubscribe(CHANNELS.readBudget, onBudget);
    await bed.close();
  });

  const me = (token: string) => request(bed.app).get('/me').set('Cookie', `ST=${token}`);
  const reads = () => bed.emulator.counts().sessionReads;

  /**
   * Two reads a second: one at the rate, and a burst of one that only needed reads may use. So
   * after one read, a renewal waits a second and is refused, while a first read goes ahead.
   */
  async function bedWith(cache: PingSessionOptions['cache'] = {}) {
    bed = await startTestBed({
      pingSession: { cache: { ttlMs: 100, pingOneReadsPerSecond: 2, maxStaleMs: 5000, ...cache } },
    });
  }

  it('serves a session PingOne vouched for within maxStaleMs instead of reading it again when the budget is spent', async () => {
    await bedWith();
    const { token, session } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(1);
    expect(budget.map((b) => [b.priority, b.granted])).toEqual([
      ['needed', true],
      ['renewal', false],
    ]);
    const deferred = lookups.filter((l) => l.outcome === 'deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]!.ageMs).toBeGreaterThanOrEqual(150);
  });

  it('serves later requests of a deferred session without asking the budget again until it has room', async () => {
    await bedWith();
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    for (let i = 0; i < 5; i += 1) await me(token);
    expect(budget).toHaveLength(2);
    expect(lookups.filter((l) => l.outcome === 'deferred')).toHaveLength(5);
  });

  it('reads a new session at once while renewals are refused', async () => {
    await bedWith();
    const first = bed.emulator.createSession();
    await me(first.token);
    await sleep(150);
    await me(first.token);
    const second = bed.emulator.createSession();
    const started = Date.now();
    expect((await me(second.token)).body).toEqual(second.session);
    expect(Date.now() - started).toBeLessThan(500);
    expect(reads()).toBe(2);
  });

  it('renews a session once the budget has room again', async () => {
    await bedWith();
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    await me(token);
    await sleep(1000);
    await me(token);
    expect(reads()).toBe(2);
    expect(budget.at(-1)).toMatchObject({ priority: 'renewal', granted: true });
  });

  it('reads a session again once its answer is older than maxStaleMs, budget spent or not', async () => {
    await bedWith({ maxStaleMs: 300 });
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    await me(token);
    await sleep(250);
    await me(token);
    expect(reads()).toBe(2);
    expect(budget.map((b) => [b.priority, b.granted])).toEqual([
      ['needed', true],
      ['renewal', false],
      ['needed', true],
    ]);
  });

  it('never serves a deferred session after its token was signed out', async () => {
    await bedWith();
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    expect((await me(token)).body).not.toBeNull();
    expect(lookups.filter((l) => l.outcome === 'deferred')).toHaveLength(1);
    expect((await signOut(bed.app, token)).status).toBe(204);
    expect((await me(token)).body).toBeNull();
  });

  it("never serves a deferred session past the session's end", async () => {
    await bedWith();
    // 0.01 minutes: the session ends 600 ms after it is created.
    const { token } = bed.emulator.createSession({ idleTimeoutInMinutes: 0.01 });
    await me(token);
    await sleep(150);
    expect((await me(token)).body).not.toBeNull();
    expect(lookups.filter((l) => l.outcome === 'deferred')).toHaveLength(1);
    await sleep(600);
    expect((await me(token)).body).toBeNull();
  });

  it('counts a read that must be made and finds no room within a second as PingOne unavailable', async () => {
    await bedWith({ pingOneReadsPerSecond: 1 });
    await me(bed.emulator.createSession().token);
    await sleep(300);
    const tokens = [1, 2, 3].map(() => bed.emulator.createSession().token);
    const answers = await Promise.all(
      tokens.map((token) => request(bed.app).get('/private').set('Cookie', `ST=${token}`)),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([200, 503, 503]);
    expect(reads()).toBe(2);
    expect(bed.logs.map((line) => line.details.event)).toContain('read_budget_spent');
  });

  it('keeps PingOne reads under the budget when demand needs five times it, serving no answer older than maxStaleMs', async () => {
    // 25 users, each answer fresh for 500 ms: 50 reads a second without a budget of 10.
    bed = await startTestBed({
      emulator: { sessionReadsPerSecond: 10 },
      pingSession: { cache: { ttlMs: 500, pingOneReadsPerSecond: 10, maxStaleMs: 5000 } },
    });
    const load = await userLoad([bed.app], bed.emulator, { users: 25, durationMs: 6000 });
    const sessionReads = bed.emulator.requests.filter((r) => r.method === 'GET');
    expect(load.failures).toBe(0);
    expect(sessionReads.filter((r) => r.fault !== undefined)).toHaveLength(0);
    expect(busiestSecond(sessionReads.map((r) => r.at))).toBeLessThanOrEqual(10);
    const ages = lookups.filter((l) => l.outcome === 'deferred').map((l) => l.ageMs!);
    expect(ages.length).toBeGreaterThan(load.requests / 2);
    expect(Math.max(...ages)).toBeLessThan(5000);
  });
});

describe('the read budget', () => {
  const quiet = { warn() {}, info() {} };

  it('renews the oldest answers first: an answer near maxStaleMs passes where a younger one waits', async () => {
    // Two a second: one at the rate, and a burst of one a needed read may use, half of which
    // a renewal may as its answer nears maxStaleMs (1 s here).
    const budget = new ReadBudget(2, 1000, undefined, 100, quiet);
    expect(await budget.spend('needed')).toBe(true);
    await sleep(600);
    expect(await budget.spend('renewal', Date.now() - 100)).toBe(false);
    expect(budget.defersRenewalOf(Date.now() - 100)).toBe(true);
    expect(budget.defersRenewalOf(Date.now() - 2000)).toBe(false);
    expect(await budget.spend('renewal', Date.now() - 2000)).toBe(true);
  });

  it('lets a needed read use the burst that renewals may not', async () => {
    const budget = new ReadBudget(20, 1000, undefined, 100, quiet);
    expect(await budget.spend('needed')).toBe(true);
    expect(await budget.spend('renewal', Date.now())).toBe(false);
    const started = Date.now();
    expect(await budget.spend('needed')).toBe(true);
    expect(Date.now() - started).toBeLessThan(40);
  });
});
