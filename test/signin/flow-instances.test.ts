import request from 'supertest';
import { signInOptions } from '../helpers/test-bed';
import { useSharedRedis } from '../helpers/shared-redis';

// Two steps of one flow reaching two instances at once (a double-submitted form behind a load
// balancer): whichever loses must not bring the completed, deleted flow back into Redis.
const shared = useSharedRedis();

const handleOf = (res: request.Response) =>
  [res.headers['set-cookie'] ?? []]
    .flat()
    .map((cookie) => /^pingone_flow=([^;]+)/.exec(cookie)?.[1])
    .find((value) => value !== undefined);

const post = (app: Parameters<typeof request>[0], fields: object, handle?: string) => {
  const req = request(app).post('/signin').set('Sec-Fetch-Site', 'same-origin');
  if (handle !== undefined) req.set('Cookie', `pingone_flow=${handle}`);
  return req.send(fields);
};

describe('two steps of one flow on two instances at once', () => {
  it('leave no flow behind in Redis once one has completed it', async () => {
    const options = { signIn: signInOptions(shared.emulator) };
    const [a, b] = [await shared.instance(options), await shared.instance(options)];
    for (let run = 0; run < 5; run += 1) {
      const first = await post(a, { username: 'grace', password: shared.emulator.demoPassword });
      const handle = handleOf(first)!;
      const otp = shared.emulator.lastOtp('grace')!;
      const answers = await Promise.all([post(a, { otp }, handle), post(b, { otp }, handle)]);
      expect(answers.filter((res) => res.body.status === 'COMPLETED')).toHaveLength(1);
      expect(await shared.admin.keys('pingone-session:flow:*')).toEqual([]);
      expect((await post(b, { otp }, handle)).status).toBe(410);
    }
  });
});

describe('sign-in limits on instances sharing a RedisStore', () => {
  it("count every instance's guesses in one count, keyed without the username", async () => {
    const options = {
      signIn: { ...signInOptions(shared.emulator), limits: { guessesPerAddress: 4 } },
    };
    const [a, b] = [await shared.instance(options), await shared.instance(options)];
    const wrong = { username: 'ada', password: 'a-wrong-password-4711' };
    for (const app of [a, b, a, b]) expect((await post(app, wrong)).status).toBe(401);
    expect((await post(a, wrong)).status).toBe(429);
    expect((await post(b, wrong)).status).toBe(429);
    const keys = await shared.admin.keys('pingone-session:limit:*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join()).not.toContain('ada');
  });
});
