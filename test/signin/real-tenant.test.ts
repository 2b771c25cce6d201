import request from 'supertest';
import type { EmulatorOptions } from '../../src/emulator';
import { sentSecrets } from '../helpers/captured-output';
import { signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

// The redirectless route against a PingOne that answers the other documented or reported ways
// (../shared/pingone/REAL-TENANT.md): each case is one the emulator's default would not show.
let bed: TestBed;
let agent: ReturnType<typeof request.agent>;
afterEach(() => bed.close());

const WRONG_PASSWORD = 'a-wrong-password-0815';
sentSecrets.push(WRONG_PASSWORD);

async function signInBed(emulator: EmulatorOptions = {}) {
  bed = await startTestBed({
    emulator: { lockoutFailures: 3, lockoutSeconds: 300, ...emulator },
    pingSession: (emulator) => ({ signIn: signInOptions(emulator) }),
  });
  agent = request.agent(bed.app);
}
const step = (fields: Record<string, string>) =>
  agent.post('/signin').set('Sec-Fetch-Site', 'same-origin').send(fields);
const password = () => bed.emulator.demoPassword;
const callsTo = (pattern: RegExp) => bed.emulator.requests.filter((r) => pattern.test(r.url));

describe('the redirectless route, against a PingOne that answers the other way', () => {
  it('signs in where PingOne refuses Accept: application/json, wants its authorize cookie back, says INVALID_VALUE and maps sub to the username', async () => {
    await signInBed({ refusals: 'alternative', idTokenSubject: 'username' });
    const wrong = await step({ username: 'ada', password: WRONG_PASSWORD });
    expect([wrong.status, wrong.body]).toEqual([401, { error: 'invalid_credentials' }]);
    const done = await step({ username: 'ada', password: password() });
    expect(done.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
    expect((await agent.get('/me')).body.user.id).toBe('07e1ee43-9f56-4254-8cfb-1709b5ea8e24');
    expect(callsTo(/\/as\/authorize/)).toHaveLength(1);
  });

  it("sends an Accept admitting PingOne's own media types on authorize, flows, resume and token", async () => {
    await signInBed();
    await step({ username: 'ada', password: password() });
    const calls = callsTo(/\/as\/(authorize|resume|token)|\/flows\//).filter(
      (r) => !r.body.includes('client_credentials'),
    );
    expect(calls.length).toBeGreaterThanOrEqual(4);
    for (const call of calls) expect(call.headers.accept).toMatch(/vnd\.pingidentity|\*\/\*/);
  });

  it('replays the cookie PingOne set at authorize under /{envID}/as on the flow calls', async () => {
    await signInBed();
    await step({ username: 'ada', password: password() });
    const [flowCall] = callsTo(/\/flows\//);
    expect(flowCall?.headers.cookie).toMatch(/(^|; )ST=[\w-]+/);
  });

  it('answers a lockout PingOne puts in a 200 flow body 423 locked, with the wait', async () => {
    await signInBed({ refusals: 'alternative' });
    for (let i = 0; i < 2; i += 1) await step({ username: 'ada', password: WRONG_PASSWORD });
    const locked = await step({ username: 'ada', password: WRONG_PASSWORD });
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ error: 'locked', retryAfterSeconds: 300 });
  });

  it("takes any 400 to a password as a wrong one, logging a code it does not know with PingOne's id", async () => {
    await signInBed();
    await step({ username: 'ada', password: WRONG_PASSWORD });
    bed.emulator.addFault({ on: 'flows', status: 400, detailCode: 'UNHEARD_OF', times: 1 });
    const res = await step({ username: 'ada', password: WRONG_PASSWORD });
    expect([res.status, res.body.error]).toEqual([401, 'invalid_credentials']);
    expect(bed.logs.find((l) => l.details.event === 'signin_answer_unrecognised')?.details).toEqual(
      {
        event: 'signin_answer_unrecognised',
        codes: ['UNHEARD_OF'],
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    );
    expect((await step({ username: 'ada', password: password() })).body.status).toBe('COMPLETED');
  });

  it('uses a code the completed flow carries itself, without resuming', async () => {
    await signInBed({ inlineCode: true });
    const done = await step({ username: 'ada', password: password() });
    expect(done.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
    expect(callsTo(/\/as\/resume/)).toHaveLength(0);
  });
});
