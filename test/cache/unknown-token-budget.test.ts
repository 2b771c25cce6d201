import request from 'supertest';
import type { PingSessionOptions } from '../../src';
import { clientOf } from '../../src/http/client-address';
import { startTestBed, type TestBed } from '../helpers/test-bed';
import { frozenClock, sleep, until } from '../helpers/wait';

let bed: TestBed;
// The budget refills with time: a frozen clock makes every count exact on a busy machine.
let clock: ReturnType<typeof frozenClock>;
beforeEach(() => (clock = frozenClock()));
afterEach(async () => {
  jest.useRealTimers();
  await bed.close();
});

const reads = () => bed.emulator.counts().sessionReads;
const me = (token: string, ip?: string) => {
  const req = request(bed.app).get('/me').set('Cookie', `ST=${token}`);
  return ip === undefined ? req : req.set('X-Forwarded-For', ip);
};
const spentEvents = () =>
  bed.logs.filter((log) => log.details.event === 'unknown_token_budget_spent');

async function bedWith(options: PingSessionOptions) {
  bed = await startTestBed({ pingSession: options });
  bed.app.set('trust proxy', true);
}

describe('the unknown-token budget', () => {
  it('lets one client cause at most burst PingOne reads with made-up tokens', async () => {
    await bedWith({ unknownTokenBudget: { burst: 5, perMinute: 0 } });
    for (let i = 0; i < 20; i += 1) {
      const res = await me(`made-up-${i}`);
      expect(res.status).toBe(200);
      expect(res.body).toBeNull();
    }
    expect(reads()).toBe(5);
  });

  it('tells the logger once when a client runs out, naming the client and never a token', async () => {
    await bedWith({ unknownTokenBudget: { burst: 2, perMinute: 0 } });
    for (let i = 0; i < 6; i += 1) await me(`made-up-${i}`, '203.0.113.7');
    expect(spentEvents()).toHaveLength(1);
    expect(spentEvents()[0]!.details).toMatchObject({ client: '203.0.113.7' });
    expect(JSON.stringify(spentEvents())).not.toContain('made-up');
  });

  it('is never met by a browser: a read that finds a session is given back', async () => {
    await bedWith({ unknownTokenBudget: { burst: 2, perMinute: 0 }, cache: false });
    const { token, session } = bed.emulator.createSession();
    for (let i = 0; i < 10; i += 1) expect((await me(token)).body).toEqual(session);
    expect((await me('made-up')).body).toBeNull();
    expect(reads()).toBe(11);
    expect(spentEvents()).toEqual([]);
  });

  it('is not used up by an outage: a read PingOne could not answer is given back', async () => {
    await bedWith({ unknownTokenBudget: { burst: 2, perMinute: 0 }, retry: false });
    bed.emulator.addFault({ status: 503, times: 10 });
    for (let i = 0; i < 10; i += 1) await me(`token-${i}`);
    const { token, session } = bed.emulator.createSession();
    expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(11);
  });

  it('is kept per client, by req.ip as trust proxy reads it', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 } });
    for (let i = 0; i < 10; i += 1) await me(`made-up-${i}`, '203.0.113.7');
    const { token, session } = bed.emulator.createSession();
    expect((await me(token, '198.51.100.20')).body).toEqual(session);
    expect(reads()).toBe(4);
  });

  it('leaves a spent client its cached sessions', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 } });
    const { token, session } = bed.emulator.createSession();
    await me(token);
    for (let i = 0; i < 10; i += 1) await me(`made-up-${i}`);
    expect((await me(token)).body).toEqual(session);
  });

  it('counts reads still in flight, so concurrency cannot outrun it', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 } });
    await me(bed.emulator.createSession().token);
    const release = bed.emulator.hold();
    const answers = Array.from({ length: 10 }, (_, i) => me(`made-up-${i}`).then((r) => r.body));
    await until(() => reads() === 4);
    await sleep(100);
    release();
    expect(await Promise.all(answers)).toEqual(Array(10).fill(null));
    expect(reads()).toBe(4);
  });

  it('refills at perMinute', async () => {
    await bedWith({ unknownTokenBudget: { burst: 1, perMinute: 600 } });
    await me('made-up-1');
    await me('made-up-2');
    expect(reads()).toBe(1);
    clock.advance(99);
    await me('made-up-3');
    expect(reads()).toBe(1);
    clock.advance(1);
    await me('made-up-4');
    expect(reads()).toBe(2);
  });

  it('refills up to burst and no further', async () => {
    await bedWith({ unknownTokenBudget: { burst: 2, perMinute: 60 } });
    for (let i = 0; i < 3; i += 1) await me(`made-up-${i}`);
    expect(reads()).toBe(2);
    clock.advance(3_600_000);
    for (let i = 3; i < 6; i += 1) await me(`made-up-${i}`);
    expect(reads()).toBe(4);
  });

  it('is on by default: 30 reads, then none', async () => {
    await bedWith({});
    for (let i = 0; i < 40; i += 1) await me(`made-up-${i}`);
    expect(reads()).toBe(30);
  });

  it('refills at 60 a minute by default', async () => {
    await bedWith({});
    for (let i = 0; i < 31; i += 1) await me(`made-up-${i}`);
    clock.advance(10_000);
    for (let i = 31; i < 50; i += 1) await me(`made-up-${i}`);
    expect(reads()).toBe(40);
  });

  it('is off with unknownTokenBudget: false', async () => {
    await bedWith({ unknownTokenBudget: false });
    for (let i = 0; i < 40; i += 1) await me(`made-up-${i}`);
    expect(reads()).toBe(40);
  });
});

describe('real users behind the address of someone spending the budget (a NAT, a proxy)', () => {
  /** Spends the budget of the shared address with made-up cookies. */
  async function spendIt() {
    for (let i = 0; i < 10; i += 1) await me(`made-up-${i}`);
  }

  it('keep their session: a token this server saw valid lately spends no budget', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 }, cache: false });
    const { token, session } = bed.emulator.createSession();
    expect((await me(token)).body).toEqual(session);
    await spendIt();
    for (let i = 0; i < 5; i += 1) expect((await me(token)).body).toEqual(session);
  });

  it('keep their session once its cache entry has expired', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 }, cache: { ttlMs: 1000 } });
    const { token, session } = bed.emulator.createSession();
    await me(token);
    await spendIt();
    clock.advance(1001);
    const readsBefore = reads();
    expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(readsBefore + 1);
  });

  it('are told PingOne could not be asked, never that they are signed out', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 } });
    await spendIt();
    const { token } = bed.emulator.createSession();
    const res = await request(bed.app).get('/private').set('Cookie', `ST=${token}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toEqual({ error: 'pingone_unavailable' });
  });

  it('spend it again with a token once it signed out', async () => {
    await bedWith({ unknownTokenBudget: { burst: 3, perMinute: 0 }, cache: false });
    const { token } = bed.emulator.createSession();
    await me(token);
    await request(bed.app)
      .post('/logout')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', `ST=${token}`);
    await spendIt();
    const readsBefore = reads();
    await me(token);
    expect(reads()).toBe(readsBefore);
  });
});

describe('tokens with no session', () => {
  it('never push a signed-in user out of the memory cache', async () => {
    await bedWith({ unknownTokenBudget: false, cache: { max: 5, negativeMax: 5 } });
    const users = Array.from({ length: 5 }, () => bed.emulator.createSession());
    for (const { token } of users) await me(token);
    for (let i = 0; i < 50; i += 1) await me(`made-up-${i}`);
    for (const { token, session } of users) expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(55);
  });

  it('are remembered in their own bounded memory', async () => {
    await bedWith({ unknownTokenBudget: false, cache: { negativeMax: 2 } });
    for (const token of ['made-up-1', 'made-up-2', 'made-up-3', 'made-up-3', 'made-up-1']) {
      await me(token);
    }
    expect(reads()).toBe(4);
  });
});

describe('the client a request counts against', () => {
  it.each([
    ['an IPv4 address', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address, by its /56', '2001:db8:1:2a34::1', '2001:0db8:0001:2a00::/56'],
    ['another address of that /56', '2001:db8:1:2aff:ffff:ffff:ffff:5', '2001:0db8:0001:2a00::/56'],
    ['the next /56', '2001:db8:1:2b00::1', '2001:0db8:0001:2b00::/56'],
    ['a compressed IPv6 address', '2001:db8::1', '2001:0db8:0000:0000::/56'],
    ['an IPv6 address ending in IPv4', '64:ff9b::203.0.113.7', '0064:ff9b:0000:0000::/56'],
    ['an unknown address', undefined, 'unknown'],
  ])('is %s', (_case, ip, client) => {
    expect(clientOf(ip)).toBe(client);
  });
});
