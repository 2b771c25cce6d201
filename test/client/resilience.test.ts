import request from 'supertest';
import type { LogDetails, PingSessionOptions } from '../../src';
import type { EmulatorFault } from '../../src/emulator';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { frozenClock, sleep, until } from '../helpers/wait';

let bed: TestBed;
afterEach(() => bed.close());

const reads = () => bed.emulator.counts().sessionReads;
const me = (token: string) => request(bed.app).get('/me').set('Cookie', `ST=${token}`);

let events: string[];
const record = (_message: string, details: LogDetails) =>
  void events.push(details.lane ? `${details.event} ${String(details.lane)}` : details.event);
const logger = { warn: record, info: record };

/** A bed with caching off, so that every request is a PingOne call, and `faults` in force. */
async function bedWith(options: PingSessionOptions = {}, ...faults: EmulatorFault[]) {
  events = [];
  bed = await startTestBed({
    // fail-closed: every failure to ask PingOne shows as 503 on /me.
    pingSession: {
      cache: false,
      logger,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      onUpstreamError: 'fail-closed',
      ...options,
    },
    emulator: { faults },
  });
  return bed.emulator.createSession();
}

describe('retries of a session read', () => {
  it.each([408, 429, 500, 502, 503, 504])(
    'retry a %i and answer with the session',
    async (status) => {
      const { token, session } = await bedWith({}, { status, times: 1 });
      const res = await me(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(session);
      expect(reads()).toBe(2);
    },
  );

  it('stop after retry.maxAttempts and answer 503', async () => {
    const { token } = await bedWith({}, { status: 503 });
    const res = await me(token);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'pingone_unavailable' });
    expect(reads()).toBe(3);
  });

  it('make one attempt with retry: false', async () => {
    const { token } = await bedWith({ retry: false }, { status: 503 });
    expect((await me(token)).status).toBe(503);
    expect(reads()).toBe(1);
  });

  it.each([
    [400, 200],
    [403, 503],
    [404, 200],
  ])('never retry a %i (the browser gets %i)', async (status, browserStatus) => {
    const { token } = await bedWith({}, { status });
    expect((await me(token)).status).toBe(browserStatus);
    expect(reads()).toBe(1);
  });

  it('retry a connection reset', async () => {
    const { token, session } = await bedWith({}, { reset: true, times: 1 });
    expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(2);
  });

  it('give up on a hung attempt after timeoutMs and retry', async () => {
    const { token, session } = await bedWith({ timeoutMs: 200 }, { hang: true, times: 1 });
    const started = Date.now();
    expect((await me(token)).body).toEqual(session);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(reads()).toBe(2);
  });

  it('stop retrying when retry.budgetMs is spent', async () => {
    const { token } = await bedWith(
      { timeoutMs: 200, retry: { maxAttempts: 10, budgetMs: 500 } },
      { hang: true },
    );
    const started = Date.now();
    expect((await me(token)).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(reads()).toBeLessThanOrEqual(3);
  });

  it('wait the seconds a Retry-After asks for', async () => {
    const { token, session } = await bedWith({}, { status: 429, retryAfter: '1', times: 1 });
    const started = Date.now();
    expect((await me(token)).body).toEqual(session);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('wait until the HTTP date a Retry-After names', async () => {
    const at = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const { token, session } = await bedWith(
      {},
      { status: 503, retryAfter: at.toUTCString(), times: 1 },
    );
    expect((await me(token)).body).toEqual(session);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime() - 50);
  });

  it('give up at once on a Retry-After longer than the budget', async () => {
    const { token } = await bedWith({}, { status: 429, retryAfter: '60' });
    const started = Date.now();
    expect((await me(token)).status).toBe(503);
    // Waiting would take 60 s, or the 10 s budget; the margin is for a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reads()).toBe(1);
  });

  it.each(['html', 'truncated-json', 'no-id'] as const)(
    'treat a 200 with a %s body as PingOne failing, never as a session',
    async (malformed) => {
      const { token } = await bedWith({}, { malformed });
      const res = await me(token);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'pingone_unavailable' });
    },
  );
});

describe('the token endpoint', () => {
  it('is retried when it fails for a moment', async () => {
    const { token, session } = await bedWith({}, { on: 'token', status: 503, times: 2 });
    expect((await me(token)).body).toEqual(session);
    expect(bed.emulator.counts().tokenRequests).toBe(3);
  });

  it('being down answers 503 without reading the session', async () => {
    const { token } = await bedWith({}, { on: 'token', status: 503 });
    expect((await me(token)).status).toBe(503);
    expect(reads()).toBe(0);
  });

  it('gives one new token and one retry when PingOne refuses the access token', async () => {
    const { token, session } = await bedWith();
    await me(token);
    bed.emulator.revokeAccessTokens();
    expect((await me(token)).body).toEqual(session);
    expect(bed.emulator.counts().tokenRequests).toBe(2);
    expect(reads()).toBe(3);
  });
});

describe('access tokens', () => {
  it('are renewed in the background before they expire, while calls go on with the current one', async () => {
    events = [];
    const clock = frozenClock();
    try {
      bed = await startTestBed({ pingSession: { cache: false, logger } });
      const { token } = bed.emulator.createSession();
      await me(token);
      // An hour's token is renewed from a minute before it expires, and used until 5 s before.
      clock.advance(3600_000 - 30_000);
      await Promise.all(Array.from({ length: 10 }, () => me(token)));
      const bearers = bed.sessionCalls().map((call) => call.headers.authorization);
      expect(new Set(bearers).size).toBe(1);
      await until(() => bed.emulator.counts().tokenRequests === 2);
      await me(token);
      const last = bed.sessionCalls().at(-1)?.headers.authorization;
      expect(last).not.toBe(bearers[0]);
      expect(bed.emulator.counts().tokenRequests).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('logout', () => {
  it('is not retried after a 503, since the reset may have happened', async () => {
    const { token } = await bedWith({}, { status: 503 });
    const res = await signOut(bed.app, token);
    expect(res.status).toBe(502);
    expect(bed.emulator.counts().sessionResets).toBe(1);
  });

  it('is not retried after a connection reset', async () => {
    const { token } = await bedWith({}, { reset: true });
    await signOut(bed.app, token);
    expect(bed.emulator.counts().sessionResets).toBe(1);
  });
});

describe('the circuit breaker', () => {
  const breaker = {
    retry: false,
    circuitBreaker: { failureRate: 0.5, minimumCalls: 3, windowMs: 10_000, cooldownMs: 300 },
  } as const;

  it('fails calls at once when more than failureRate of at least minimumCalls failed, and says so', async () => {
    await bedWith(breaker, { status: 503 });
    const tokens = Array.from({ length: 5 }, () => bed.emulator.createSession().token);
    for (const token of tokens) expect((await me(token)).status).toBe(503);
    expect(reads()).toBe(3);
    expect(events).toEqual(['pingone_circuit_open read']);
  });

  it('stays closed while fewer than minimumCalls calls were made, however many failed', async () => {
    await bedWith({ ...breaker, circuitBreaker: { minimumCalls: 10 } }, { status: 503 });
    for (let i = 0; i < 6; i += 1) expect((await me(`token-${i}`)).status).toBe(503);
    expect(reads()).toBe(6);
    expect(events).toEqual([]);
  });

  it('stays closed at 10% failures, even when they come five in a row', async () => {
    const { token } = await bedWith({ retry: false });
    for (let round = 0; round < 4; round += 1) {
      bed.emulator.addFault({ status: 503, times: 5 });
      for (let i = 0; i < 50; i += 1) expect((await me(token)).status).toBe(i < 5 ? 503 : 200);
    }
    expect(reads()).toBe(200);
    expect(events).toEqual([]);
  });

  it('is not opened by 429s: PingOne is asking for fewer calls, not failing', async () => {
    const { token } = await bedWith(breaker, { status: 429, retryAfter: '0' });
    for (let i = 0; i < 6; i += 1) expect((await me(token)).status).toBe(503);
    expect(reads()).toBe(6);
    expect(events).toEqual([]);
  });

  it('closes again within one cool-down once PingOne is back', async () => {
    const { token, session } = await bedWith(breaker, { status: 503 });
    for (let i = 0; i < 3; i += 1) await me(token);
    bed.emulator.clearFaults();
    expect((await me(token)).status).toBe(503);
    await sleep(350);
    expect((await me(token)).body).toEqual(session);
    expect((await me(token)).body).toEqual(session);
    expect(events).toEqual([
      'pingone_circuit_open read',
      'pingone_circuit_half_open read',
      'pingone_circuit_closed read',
    ]);
  });

  it('opens again when the trial call fails', async () => {
    const { token } = await bedWith(breaker, { status: 503 });
    for (let i = 0; i < 3; i += 1) await me(token);
    await sleep(350);
    await me(token);
    expect(events).toEqual([
      'pingone_circuit_open read',
      'pingone_circuit_half_open read',
      'pingone_circuit_open read',
    ]);
    expect(reads()).toBe(4);
  });

  it('is not opened by answers about sessions (404)', async () => {
    await bedWith(breaker);
    for (let i = 0; i < 6; i += 1) await me(`never-issued-${i}`);
    expect(reads()).toBe(6);
    expect(events).toEqual([]);
  });

  it('of session reads, once open, still lets sign-outs reach PingOne', async () => {
    const { token } = await bedWith(breaker, { on: 'reads', status: 503 });
    for (let i = 0; i < 3; i += 1) await me(`never-issued-${i}`);
    expect(events).toEqual(['pingone_circuit_open read']);
    expect((await signOut(bed.app, token)).status).toBe(204);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });
});

describe('a 429 from PingOne', () => {
  it('holds further calls of its kind for Retry-After, then lets them through', async () => {
    const { token, session } = await bedWith(
      { retry: false },
      { status: 429, retryAfter: '1', times: 1 },
    );
    expect((await me(token)).status).toBe(503);
    const started = Date.now();
    const answers = Array.from({ length: 3 }, () => me(token));
    await sleep(500);
    expect(reads()).toBe(1);
    for (const res of await Promise.all(answers)) expect(res.body).toEqual(session);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(reads()).toBe(2);
  });

  it('fails calls of its kind at once, unsent, when Retry-After outlasts their budget', async () => {
    const { token } = await bedWith(
      { retry: { budgetMs: 10_000 } },
      { status: 429, retryAfter: '30', times: 1 },
    );
    expect((await me(token)).status).toBe(503);
    const started = Date.now();
    expect((await me(token)).status).toBe(503);
    // Waiting would spend the 10 s budget; the margin is for a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reads()).toBe(1);
  });

  it('to session reads does not hold sign-outs', async () => {
    const { token } = await bedWith({}, { on: 'reads', status: 429, retryAfter: '30' });
    expect((await me(token)).status).toBe(503);
    const started = Date.now();
    expect((await signOut(bed.app, token)).status).toBe(204);
    // Held behind the reads' pause, it would wait 30 s (or fail at the 10 s budget).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bed.emulator.sessionState(token)).toBe('reset');
  });
});

describe('a flood of made-up tokens from many addresses, which PingOne rate-limits', () => {
  it('neither trips nor starves sign-outs: every one reaches PingOne', async () => {
    events = [];
    bed = await startTestBed({
      pingSession: {
        cache: false,
        logger,
        retry: { budgetMs: 1500 },
        onUpstreamError: 'fail-closed',
      },
      emulator: { sessionReadsPerSecond: 10 },
    });
    // From 100 addresses, so that no client's unknown-token budget runs out: only the lanes
    // keep the sign-outs going.
    bed.app.set('trust proxy', true);
    const users = Array.from({ length: 5 }, () => bed.emulator.createSession().token);
    const flood = Array.from({ length: 100 }, (_, i) =>
      me(`made-up-${i}`)
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .then((r) => r.status),
    );
    await until(() => bed.emulator.requests.some((r) => r.fault === 'status 429'));
    for (const token of users) expect((await signOut(bed.app, token)).status).toBe(204);
    for (const token of users) expect(bed.emulator.sessionState(token)).toBe('reset');
    expect(new Set(await Promise.all(flood))).toEqual(new Set([200, 503]));
    expect(events.filter((event) => event.startsWith('pingone_circuit_open'))).toEqual([]);
  });

  it('does not hold sign-outs behind reads filling their queue', async () => {
    const { token } = await bedWith(
      { maxConcurrentUpstream: 2, maxQueuedUpstream: 2 },
      { on: 'reads', latencyMs: 1500 },
    );
    let readsAnswered = 0;
    const reading = Array.from({ length: 6 }, (_, i) =>
      me(`made-up-${i}`).then((r) => ((readsAnswered += r.status === 200 ? 1 : 0), r.status)),
    );
    await until(() => reads() === 2);
    expect((await signOut(bed.app, token)).status).toBe(204);
    expect(readsAnswered).toBe(0);
    expect(await Promise.all(reading)).toEqual([200, 200, 200, 200, 503, 503]);
  });
});

describe('retry.budgetMs, end to end', () => {
  it('bounds a slow token request and a slow read together', async () => {
    const { token } = await bedWith(
      { retry: { budgetMs: 1200 } },
      { on: 'token', latencyMs: 1000 },
      { on: 'reads', latencyMs: 1000 },
    );
    const started = Date.now();
    // A budget per call, or one for the read alone, would answer the session after 2 s.
    expect((await me(token)).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1900);
  });

  it('counts the time spent queued for a slot', async () => {
    await bedWith({ maxConcurrentUpstream: 1, retry: { budgetMs: 2000 } });
    await me('warm-up-the-access-token');
    bed.emulator.addFault({ on: 'reads', latencyMs: 1400 });
    const [first, second] = [bed.emulator.createSession(), bed.emulator.createSession()];
    const started = Date.now();
    const answers = await Promise.all([me(first.token), me(second.token)]);
    // Starting the second read's budget after its wait would answer it after 2.8 s.
    expect(answers.map((res) => res.status)).toEqual([200, 503]);
    expect(Date.now() - started).toBeLessThan(2600);
  });

  it('bounds an accessToken function that never settles', async () => {
    await bedWith({
      clientId: undefined,
      clientSecret: undefined,
      accessToken: () => new Promise<string>(() => undefined),
      retry: { budgetMs: 300 },
    });
    const started = Date.now();
    expect((await me('any-token')).status).toBe(503);
    // Unbounded, it would never answer; the margin is for a busy machine.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reads()).toBe(0);
  });
});

describe('the bulkhead', () => {
  it('lets maxConcurrentUpstream calls through, queues maxQueuedUpstream, refuses the rest at once', async () => {
    await bedWith({ maxConcurrentUpstream: 2, maxQueuedUpstream: 1 });
    await me('warm-up-the-access-token');
    const sessions = Array.from({ length: 5 }, () => bed.emulator.createSession());
    const release = bed.emulator.hold();
    const answers = sessions.map(({ token }) => me(token).then((res) => res.status));
    await until(() => reads() === 3);
    await sleep(100);
    expect(reads()).toBe(3);
    release();
    const statuses = await Promise.all(answers);
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 503)).toHaveLength(2);
    expect(reads()).toBe(4);
  });
});

describe('staleIfErrorMs', () => {
  it('serves a session PingOne vouched for recently while PingOne is failing', async () => {
    const { token, session } = await bedWith({ cache: { ttlMs: 50, staleIfErrorMs: 5000 } });
    await me(token);
    bed.emulator.addFault({ status: 503 });
    await sleep(100);
    expect((await me(token)).body).toEqual(session);
  });

  it('is off by default: the same failure answers 503', async () => {
    const { token } = await bedWith({ cache: { ttlMs: 50 } });
    await me(token);
    bed.emulator.addFault({ status: 503 });
    await sleep(100);
    expect((await me(token)).status).toBe(503);
  });

  it('never serves a session past its expiresAt', async () => {
    await bedWith({ cache: { ttlMs: 50, staleIfErrorMs: 60_000 } });
    const { token } = bed.emulator.createSession({ idleTimeoutInMinutes: 0.02 });
    expect((await me(token)).status).toBe(200);
    bed.emulator.addFault({ status: 503 });
    await sleep(1300);
    expect((await me(token)).status).toBe(503);
  });

  it('never serves a session once it was logged out', async () => {
    const { token } = await bedWith({ cache: { ttlMs: 50, staleIfErrorMs: 5000 } });
    await me(token);
    await signOut(bed.app, token);
    bed.emulator.addFault({ status: 503 });
    await sleep(100);
    expect((await me(token)).status).toBe(503);
  });
});
