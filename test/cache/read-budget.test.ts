import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { type PingSessionOptions } from '../../src';
import { CHANNELS, type LookupMessage, type ReadBudgetMessage } from '../../src/core/channels';
import { ReadBudget, type ReadBudgetOptions, type ReadPriority } from '../../src/cache/read-budget';
import type { RateBucketStore } from '../../src/cache/rate-bucket';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { busiestSecond, LOAD, LOAD_CACHE, userLoad } from '../helpers/read-load';
import { manualClock, sleep } from '../helpers/wait';

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

  it('reads a new session while renewals are refused', async () => {
    await bedWith();
    const first = bed.emulator.createSession();
    await me(first.token);
    await sleep(150);
    await me(first.token);
    const second = bed.emulator.createSession();
    expect((await me(second.token)).body).toEqual(second.session);
    expect(reads()).toBe(2);
    expect(budget.map((b) => [b.priority, b.granted])).toEqual([
      ['needed', true],
      ['renewal', false],
      ['needed', true],
    ]);
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
    await bedWith({ maxStaleMs: 600 });
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    await me(token);
    await sleep(600);
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
    bed = await startTestBed({
      emulator: { sessionReadsPerSecond: 10 },
      pingSession: { cache: LOAD_CACHE },
    });
    const load = await userLoad([bed.app], bed.emulator, LOAD);
    const sessionReads = bed.emulator.requests.filter((r) => r.method === 'GET');
    expect([load.failures, load.firstFailure]).toEqual([0, undefined]);
    expect(sessionReads.filter((r) => r.fault !== undefined)).toHaveLength(0);
    expect(busiestSecond(sessionReads.map((r) => r.at))).toBeLessThanOrEqual(10);
    const ages = lookups.filter((l) => l.outcome === 'deferred').map((l) => l.ageMs!);
    expect(ages.length).toBeGreaterThan(load.requests / 2);
    expect(Math.max(...ages)).toBeLessThan(LOAD_CACHE.maxStaleMs);
  });
});

describe('the read budget', () => {
  let clock: ReturnType<typeof manualClock>;
  let told: string[];
  let heard: ReadBudgetMessage[];
  const onBudget = (message: unknown) => void heard.push(message as ReadBudgetMessage);
  beforeEach(() => {
    [clock, told, heard] = [manualClock(), [], []];
    subscribe(CHANNELS.readBudget, onBudget);
  });
  afterEach(() => unsubscribe(CHANNELS.readBudget, onBudget));

  const logger = { warn: (message: string) => void told.push(message), info() {} };
  /** Answers checked `ageMs` ago, by the test's clock. */
  const checked = (ageMs: number) => clock.epochNow() - ageMs;
  const budgetOf = (perSecond: number, options: Partial<ReadBudgetOptions> = {}) =>
    new ReadBudget({
      perSecond,
      maxStaleMs: 5000,
      store: undefined,
      timeoutMs: 100,
      logger,
      clock,
      ...options,
    });

  /** Where a spend stands once the code awaiting it has run: `true`/`false`, or still waiting. */
  async function spending(budget: ReadBudget, priority: ReadPriority, checkedAt?: number) {
    let answer: boolean | 'waiting' = 'waiting';
    const spent = budget.spend(priority, checkedAt).then((granted) => (answer = granted));
    await clock.advance(0);
    return { now: () => answer, spent };
  }

  // Two a second: one at the rate, and a burst of one that only needed reads may use.
  it('refuses a renewal at once when the budget was spent a moment ago', async () => {
    const budget = budgetOf(2);
    expect(await budget.spend('needed')).toBe(true);
    await clock.advance(150);
    expect((await spending(budget, 'renewal', checked(150))).now()).toBe(false);
    expect(clock.sleeping()).toBe(0);
  });

  it('defers renewals without asking the bucket until it could have room', async () => {
    const budget = budgetOf(2);
    const answer = checked(0);
    await budget.spend('needed');
    await clock.advance(150);
    await budget.spend('renewal', answer);
    await clock.advance(700);
    expect(budget.defersRenewalOf(answer)).toBe(true);
    await clock.advance(150);
    expect(budget.defersRenewalOf(answer)).toBe(false);
  });

  it('renews once the budget has room again', async () => {
    const budget = budgetOf(2);
    await budget.spend('needed');
    await clock.advance(150);
    await budget.spend('renewal', checked(150));
    await clock.advance(850);
    expect(await budget.spend('renewal', checked(1000))).toBe(true);
  });

  it('lets a needed read go at once, on the burst, while renewals are refused', async () => {
    const budget = budgetOf(2);
    await budget.spend('needed');
    await clock.advance(150);
    await budget.spend('renewal', checked(150));
    expect((await spending(budget, 'needed')).now()).toBe(true);
    expect(heard.at(-1)).toEqual({ priority: 'needed', granted: true, waitedMs: 0 });
  });

  it('books the next slot for a needed read that must wait, and makes it when the slot comes', async () => {
    // One a second, no burst.
    const budget = budgetOf(1);
    await budget.spend('needed');
    await clock.advance(300);
    const needed = await spending(budget, 'needed');
    expect(needed.now()).toBe('waiting');
    await clock.advance(200);
    expect((await spending(budget, 'renewal', checked(4000))).now()).toBe(false);
    await clock.advance(500);
    expect(needed.now()).toBe(true);
    expect(heard.find((m) => m.priority === 'needed' && m.waitedMs > 0)?.waitedMs).toBe(700);
  });

  it('refuses a needed read that would wait more than a second, telling the logger', async () => {
    const budget = budgetOf(1);
    await budget.spend('needed');
    await clock.advance(300);
    void budget.spend('needed');
    expect((await spending(budget, 'needed')).now()).toBe(false);
    expect(told).toEqual([
      'The PingOne read budget is spent; a session that had to be read counts as PingOne unavailable.',
    ]);
  });

  it('tells the logger of a spent budget at most once a minute', async () => {
    const budget = budgetOf(2);
    for (const step of [0, 100, 30_000, 30_000]) {
      await clock.advance(step);
      await budget.spend('needed');
      expect(await budget.spend('renewal', checked(100))).toBe(false);
    }
    expect(told).toEqual([
      'The PingOne read budget is spent; sessions checked within maxStaleMs are served without a read.',
      'The PingOne read budget is spent; sessions checked within maxStaleMs are served without a read.',
    ]);
  });

  it('renews the oldest answers first: an answer near maxStaleMs passes where a younger one waits', async () => {
    // Half the burst is a renewal's as its answer nears maxStaleMs (1 s here).
    const budget = budgetOf(2, { maxStaleMs: 1000 });
    expect(await budget.spend('needed')).toBe(true);
    await clock.advance(600);
    expect(await budget.spend('renewal', checked(100))).toBe(false);
    expect(budget.defersRenewalOf(checked(100))).toBe(true);
    expect(budget.defersRenewalOf(checked(2000))).toBe(false);
    expect(await budget.spend('renewal', checked(2000))).toBe(true);
  });

  it('lets a needed read use the burst that renewals may not', async () => {
    const budget = budgetOf(20);
    expect(await budget.spend('needed')).toBe(true);
    expect(await budget.spend('renewal', checked(0))).toBe(false);
    expect((await spending(budget, 'needed')).now()).toBe(true);
  });

  it('pauses renewals but still makes needed reads, counted alone, while the shared bucket fails', async () => {
    const failing: RateBucketStore = {
      rateBucket: () => ({ take: () => Promise.reject(new Error('store away')) }),
    };
    const budget = budgetOf(2, { store: failing });
    expect(await budget.spend('renewal', checked(4000))).toBe(false);
    expect(budget.defersRenewalOf(checked(4000))).toBe(true);
    expect(await budget.spend('needed')).toBe(true);
    expect(await budget.spend('needed')).toBe(true);
    expect((await spending(budget, 'needed')).now()).toBe('waiting');
  });
});
