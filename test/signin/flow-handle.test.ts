import request from 'supertest';
import { signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

// The browser's flow handle (the pingone_flow cookie) is a bearer credential for a sign-in in
// progress. One planted before the sign-in (a sibling subdomain can set cookies) must be worth
// nothing once PingOne knows who is signing in, and two steps of one flow must not race.
let bed: TestBed;
afterEach(() => bed.close());

beforeEach(async () => {
  bed = await startTestBed({
    pingSession: (emulator) => ({ signIn: signInOptions(emulator) }),
  });
});

const handleOf = (res: request.Response) =>
  [res.headers['set-cookie'] ?? []]
    .flat()
    .map((cookie) => /^pingone_flow=([^;]+)/.exec(cookie)?.[1])
    .find((value) => value !== undefined);

/** A post from the app's own page with the flow handle `handle` (if any) as its cookie. */
const post = (fields: Record<string, string>, handle?: string) => {
  const req = request(bed.app).post('/signin').set('Sec-Fetch-Site', 'same-origin');
  if (handle !== undefined) req.set('Cookie', `pingone_flow=${handle}`);
  return req.send(fields);
};

describe('a flow handle planted before the sign-in', () => {
  it('is replaced by a new one once PingOne identifies the user', async () => {
    const planted = handleOf(await post({}))!;
    const victim = await post({ username: 'grace', password: bed.emulator.demoPassword }, planted);
    expect(victim.body.status).toBe('OTP_REQUIRED');
    const renewed = handleOf(victim);
    expect(renewed).toMatch(/^[\w-]{43}$/);
    expect(renewed).not.toBe(planted);
  });

  it("no longer shows the victim's username or devices to whoever planted it", async () => {
    const planted = handleOf(await post({}))!;
    await post({ username: 'grace', password: bed.emulator.demoPassword }, planted);
    const page = await request(bed.app).get('/signin').set('Cookie', `pingone_flow=${planted}`);
    expect(page.body.status).toBeUndefined();
    expect(page.body.username).toBeUndefined();
  });

  it('can no longer send codes into the flow', async () => {
    const planted = handleOf(await post({}))!;
    const victim = await post({ username: 'grace', password: bed.emulator.demoPassword }, planted);
    const guess = await post({ otp: '00000000' }, planted);
    expect(guess.status).toBe(410);
    expect(guess.body.error).toBe('flow_expired');
    const done = await post({ otp: bed.emulator.lastOtp('grace')! }, handleOf(victim));
    expect(done.body.status).toBe('COMPLETED');
  });
});

describe('two steps of one flow posted at once (a double-submitted form)', () => {
  it('take turns: one completes, the other finds the flow gone, and it stays gone', async () => {
    for (let run = 0; run < 5; run += 1) {
      const first = await post({ username: 'grace', password: bed.emulator.demoPassword });
      const handle = handleOf(first)!;
      const otp = bed.emulator.lastOtp('grace')!;
      const answers = await Promise.all([post({ otp }, handle), post({ otp }, handle)]);
      expect(answers.map((res) => res.body.status ?? res.body.error).sort()).toEqual([
        'COMPLETED',
        'flow_expired',
      ]);
      const page = await request(bed.app).get('/signin').set('Cookie', `pingone_flow=${handle}`);
      expect(page.body.status).toBeUndefined();
      expect((await post({ otp }, handle)).status).toBe(410);
    }
  });
});
