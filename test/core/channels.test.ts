import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import request from 'supertest';
import { CHANNELS, type SessionStore } from '../../src';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { sleep, until } from '../helpers/wait';

let bed: TestBed;
let heard: { channel: string; message: Record<string, unknown> }[];
const listeners = Object.values(CHANNELS).map((name) => {
  const listener = (message: unknown) =>
    void heard.push({ channel: name, message: message as Record<string, unknown> });
  return [name, listener] as const;
});
beforeEach(() => {
  heard = [];
  for (const [name, listener] of listeners) subscribe(name, listener);
});
afterEach(async () => {
  for (const [name, listener] of listeners) unsubscribe(name, listener);
  await bed.close();
});

const on = (channel: string) => heard.filter((h) => h.channel === channel).map((h) => h.message);
const me = (token: string) => request(bed.app).get('/me').set('Cookie', `ST=${token}`);

describe('the lookup channel', () => {
  it('tells a miss, then a hit, with whether a session was found', async () => {
    bed = await startTestBed();
    const { token } = bed.emulator.createSession();
    await me(token);
    await me(token);
    await until(() => on(CHANNELS.lookup).length === 2);
    expect(on(CHANNELS.lookup)).toEqual([
      { outcome: 'miss', session: true, durationMs: expect.any(Number) },
      { outcome: 'hit', session: true, durationMs: 0 },
    ]);
  });

  it('tells lookups that joined one under way as coalesced', async () => {
    bed = await startTestBed();
    const { token } = bed.emulator.createSession();
    await me('warm-up');
    heard = [];
    const release = bed.emulator.hold();
    const answers = Promise.all([me(token), me(token), me(token)].map((r) => r.then()));
    await until(() => bed.emulator.counts().sessionReads === 2);
    await sleep(50);
    release();
    await answers;
    const outcomes = on(CHANNELS.lookup).map((m) => m.outcome);
    expect(outcomes.sort()).toEqual(['coalesced', 'coalesced', 'miss']);
  });

  it('tells a stale session served, and an error', async () => {
    bed = await startTestBed({
      pingSession: { retry: false, cache: { ttlMs: 20, staleIfErrorMs: 60_000 } },
    });
    const { token } = bed.emulator.createSession();
    await me(token);
    bed.emulator.addFault({ status: 503 });
    await sleep(40);
    await me(token);
    await me('unknown-token');
    await until(() => on(CHANNELS.lookup).length === 3);
    expect(on(CHANNELS.lookup).map((m) => m.outcome)).toEqual(['miss', 'stale', 'error']);
  });
});

describe('the other channels', () => {
  it('tell each PingOne call, token request, breaker change and logout, without a secret', async () => {
    bed = await startTestBed({
      pingSession: {
        retry: false,
        circuitBreaker: { minimumCalls: 2, cooldownMs: 60_000 },
      },
    });
    const { token } = bed.emulator.createSession();
    await me(token);
    await signOut(bed.app, token);
    bed.emulator.addFault({ on: 'reads', status: 503 });
    await me('a');
    await me('b');
    expect(on(CHANNELS.tokenRefresh)).toEqual([{ ok: true, durationMs: expect.any(Number) }]);
    expect(on(CHANNELS.pingOneCall)).toEqual(
      expect.arrayContaining([
        {
          operation: 'GET sessions/me',
          lane: 'read',
          attempt: 1,
          status: 200,
          durationMs: expect.any(Number),
        },
        expect.objectContaining({ operation: 'POST sessions/me', lane: 'reset', status: 204 }),
        expect.objectContaining({ operation: 'POST as/token', lane: 'token', status: 200 }),
        expect.objectContaining({ operation: 'GET sessions/me', status: 503 }),
      ]),
    );
    expect(on(CHANNELS.breaker)).toEqual([
      { lane: 'read', host: expect.stringContaining('http://localhost:'), state: 'open' },
    ]);
    expect(on(CHANNELS.logout)).toEqual([{ outcome: 'reset' }]);
    expect(on(CHANNELS.pingOneCallStart)).toHaveLength(on(CHANNELS.pingOneCall).length);
    expect(on(CHANNELS.pingOneCallStart)[0]).toEqual({
      operation: 'POST as/token',
      lane: 'token',
      attempt: 1,
    });
    const everything = JSON.stringify(heard);
    for (const secret of bed.emulator.secrets()) expect(everything).not.toContain(secret);
  });

  it('tell every misconfiguration, not only the ones logged', async () => {
    bed = await startTestBed({ pingSession: { clientSecret: 'not-the-secret', retry: false } });
    for (let i = 0; i < 3; i += 1) await me(`token-${i}`);
    expect(on(CHANNELS.misconfiguration)).toEqual(
      Array(3).fill({ cause: 'credentials', operation: 'POST as/token', status: 401 }),
    );
  });

  it('tell a failing shared store by the error name, never its message', async () => {
    const store: SessionStore = {
      get: () => Promise.reject(Object.assign(new Error('down: key'), { code: 'ECONNREFUSED' })),
      set() {},
      delete() {},
    };
    bed = await startTestBed({ pingSession: { cache: { store, keySecret: 'k'.repeat(32) } } });
    await me(bed.emulator.createSession().token);
    expect(on(CHANNELS.storeError)).toEqual([{ operation: 'get', error: 'Error (ECONNREFUSED)' }]);
  });
});
