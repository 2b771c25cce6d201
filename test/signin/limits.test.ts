import request from 'supertest';
import { ConfigError, type SignInOptions } from '../../src';
import { resolveOptions } from '../../src/middleware/resolve-options';
import { sentSecrets } from '../helpers/captured-output';
import { signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

// signIn.limits: starts and guesses per address and per username, counted before PingOne is
// called, answered 429 with Retry-After past the limit.
let bed: TestBed;
afterEach(() => bed.close());

const WRONG = 'a-wrong-password-0815';
sentSecrets.push(WRONG);

async function limitedBed(limits: SignInOptions['limits']) {
  bed = await startTestBed({
    emulator: { lockoutFailures: 1000 },
    pingSession: (emulator) => ({ signIn: { ...signInOptions(emulator), limits } }),
  });
  bed.app.set('trust proxy', true);
}

const post = (fields: Record<string, string>, from = '203.0.113.7') =>
  request(bed.app)
    .post('/signin')
    .set('Sec-Fetch-Site', 'same-origin')
    .set('X-Forwarded-For', from)
    .send(fields);
const authorizeCalls = () => bed.emulator.requests.filter((r) => r.url.includes('/as/authorize'));
const passwordCalls = () =>
  bed.emulator.requests.filter((r) =>
    String(r.headers['content-type']).includes('usernamePassword.check'),
  );

describe('sign-in starts per address', () => {
  it('answer 429 too_many_attempts with Retry-After past the limit, with no PingOne call', async () => {
    await limitedBed({ startsPerAddress: 3 });
    for (let i = 0; i < 3; i += 1) expect((await post({})).status).toBe(200);
    const refused = await post({});
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_attempts');
    // The window is 15 minutes, begun by the first start.
    expect(refused.body.retryAfterSeconds).toBeGreaterThan(880);
    expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(refused.headers['retry-after']).toBe(String(refused.body.retryAfterSeconds));
    expect(authorizeCalls()).toHaveLength(3);
  });

  it("leave other addresses their own starts, so one address's flood costs nobody else", async () => {
    await limitedBed({ startsPerAddress: 3 });
    for (let i = 0; i < 10; i += 1) await post({});
    const other = await post(
      { username: 'ada', password: bed.emulator.demoPassword },
      '198.51.100.2',
    );
    expect(other.body.status).toBe('COMPLETED');
  });

  it('are given back by flows that complete: people who sign in never meet the limit', async () => {
    await limitedBed({ startsPerAddress: 2 });
    for (let i = 0; i < 6; i += 1) {
      const res = await post({ username: 'ada', password: bed.emulator.demoPassword });
      expect(res.body.status).toBe('COMPLETED');
    }
  });

  it('are counted when posted at once', async () => {
    await limitedBed({ startsPerAddress: 5 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post({})));
    expect(answers.filter((res) => res.status === 429)).toHaveLength(15);
    expect(authorizeCalls()).toHaveLength(5);
  });
});

describe('password guesses', () => {
  it('are bounded per address, across usernames (credential stuffing)', async () => {
    await limitedBed({ guessesPerAddress: 5, startsPerAddress: 1000 });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post({ username: `user-${i}`, password: WRONG })),
    );
    expect(answers.filter((res) => res.status === 429)).toHaveLength(25);
    expect(passwordCalls()).toHaveLength(5);
  });

  it('are bounded per username, from any address', async () => {
    await limitedBed({ guessesPerUsername: 3 });
    const from = (i: number) => `198.51.100.${i + 10}`;
    for (let i = 0; i < 3; i += 1)
      expect((await post({ username: 'ada', password: WRONG }, from(i))).status).toBe(401);
    const refused = await post({ username: 'ADA ', password: WRONG }, from(3));
    expect(refused.status).toBe(429);
    expect(passwordCalls()).toHaveLength(3);
  });

  it('count one-time codes too, by the flow user', async () => {
    await limitedBed({ guessesPerAddress: 3 });
    const first = await post({ username: 'grace', password: bed.emulator.demoPassword });
    const handle = /pingone_flow=([^;]+)/.exec(String(first.headers['set-cookie']))![1]!;
    const code = (otp: string) => post({ otp }).set('Cookie', `pingone_flow=${handle}`);
    expect((await code('00000000')).status).toBe(401);
    expect((await code('00000001')).status).toBe(401);
    expect((await code('00000002')).status).toBe(401);
    const refused = await code(bed.emulator.lastOtp('grace')!);
    expect(refused.status).toBe(429);
  });

  it('are given back when right', async () => {
    await limitedBed({ guessesPerAddress: 2 });
    for (let i = 0; i < 6; i += 1) {
      expect(
        (await post({ username: 'ada', password: bed.emulator.demoPassword })).body.status,
      ).toBe('COMPLETED');
    }
    expect((await post({ username: 'ada', password: WRONG })).status).toBe(401);
  });

  it('answer an HTML form post with a 303 back, carrying the error and the wait', async () => {
    await limitedBed({ guessesPerAddress: 1 });
    await post({ username: 'ada', password: WRONG });
    const res = await request(bed.app)
      .post('/signin')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Sec-Fetch-Mode', 'navigate')
      .set('X-Forwarded-For', '203.0.113.7')
      .type('form')
      .send({ username: 'ada', password: WRONG });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/[?&]error=too_many_attempts(&|$)/);
    expect(res.headers.location).toMatch(/[?&]retryAfterSeconds=\d+/);
  });

  it('are not limited with limits: false, for apps with their own limiter', async () => {
    await limitedBed(false);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => post({ username: `user-${i}`, password: WRONG })),
    );
    expect(passwordCalls()).toHaveLength(40);
  });

  it('are limited by default: 30 per address', async () => {
    await limitedBed(undefined);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => post({ username: `user-${i}`, password: WRONG })),
    );
    expect(passwordCalls()).toHaveLength(30);
  });

  it('are logged once per address when refused, without the username', async () => {
    await limitedBed({ guessesPerAddress: 1 });
    for (let i = 0; i < 5; i += 1) await post({ username: 'ada', password: WRONG });
    const limited = bed.logs.filter((log) => log.details.event === 'signin_limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]!.details).toMatchObject({
      limit: 'guessesPerAddress',
      client: '203.0.113.7',
    });
    expect(JSON.stringify(limited)).not.toContain('ada');
  });
});

describe('signIn.limits at start-up', () => {
  const base = {
    environmentId: '6f4b9a2e-3c1d-4e5f-8a7b-9c0d1e2f3a4b',
    accessToken: 'a-token',
    region: 'EU',
  } as const;
  const withLimits = (limits: unknown) =>
    resolveOptions(
      { ...base, signIn: { mode: 'redirectless', clientId: 'c', limits: limits as never } },
      {},
    );

  it('refuses a limit that is no whole number, naming it', () => {
    expect(() => withLimits({ guessesPerAddress: 0 })).toThrow(ConfigError);
    expect(() => withLimits({ guessesPerAddress: 0 })).toThrow(/signIn\.limits\.guessesPerAddress/);
  });

  it('refuses an unknown limit', () => {
    expect(() => withLimits({ perMinute: 3 })).toThrow(/perMinute/);
  });
});
