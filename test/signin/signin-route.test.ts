import express from 'express';
import request from 'supertest';
import { pingSession, type SignInOptions } from '../../src';
import { sentSecrets } from '../helpers/captured-output';
import { postForm, signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
let now: number;
let agent: ReturnType<typeof request.agent>;
afterEach(() => bed.close());

const WRONG_PASSWORD = 'a-wrong-password-4711';
sentSecrets.push(WRONG_PASSWORD);

/** A test bed whose app signs people in through its emulator's flow API. */
async function signInBed(signIn: SignInOptions = {}) {
  now = Date.now();
  bed = await startTestBed({
    emulator: { now: () => now, lockoutFailures: 3, lockoutSeconds: 300 },
    pingSession: (emulator) => ({ signIn: { ...signInOptions(emulator), ...signIn } }),
  });
  agent = request.agent(bed.app);
  return bed;
}

/** A post from the app's own page, as `fetch` sends it: JSON in, JSON out. */
const step = (fields: Record<string, string>) =>
  agent.post('/signin').set('Sec-Fetch-Site', 'same-origin').send(fields);

/** The same, as a plain HTML form post (JavaScript off). */
const formStep = (fields: Record<string, string>) => postForm(agent, '/signin', fields);

const password = () => bed.emulator.demoPassword;
const setCookies = (res: request.Response): string[] => [res.headers['set-cookie'] ?? []].flat();
const cookieNamed = (res: request.Response, name: string) =>
  setCookies(res).find((cookie) => cookie.startsWith(`${name}=`));
const flowCalls = () =>
  bed.emulator.requests.filter((r) => /\/(as\/authorize|flows\/|as\/resume)/.test(r.url));

describe('signing in with a password', () => {
  it('answers COMPLETED and sets ST for this host, HttpOnly, SameSite=Lax, Path=/', async () => {
    await signInBed();
    const res = await step({ username: 'ada', password: password() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
    const st = cookieNamed(res, 'ST')!;
    expect(st).toMatch(/^ST=[A-Za-z0-9_-]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const token = /^ST=([^;]+)/.exec(st)![1]!;
    expect(bed.emulator.sessionState(token)).toBe('active');
  });

  it('makes the app see the session with no further PingOne read', async () => {
    await signInBed();
    await step({ username: 'ada', password: password() });
    const me = await agent.get('/me');
    expect(me.body.user.id).toBe('07e1ee43-9f56-4254-8cfb-1709b5ea8e24');
    expect(bed.emulator.counts().sessionReads).toBe(1);
  });

  it('walks the OIDC authorize with PKCE S256, state and nonce, and redeems the code', async () => {
    await signInBed();
    await step({ username: 'ada', password: password() });
    const authorize = new URL(flowCalls()[0]!.url, bed.emulator.url);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      response_type: 'code',
      client_id: bed.emulator.signInClientId,
      scope: 'openid',
      response_mode: 'pi.flow',
      state: expect.stringMatching(/^[\w-]{22}$/),
      nonce: expect.stringMatching(/^[\w-]{22}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
    const redeem = bed.emulator.requests.find((r) => r.body.includes('authorization_code'))!;
    expect(redeem.headers.authorization).toMatch(/^Basic /);
    expect(new URLSearchParams(redeem.body).get('code_verifier')).toMatch(/^[\w-]{43}$/);
  });

  it("passes the browser's User-Agent on, so PingOne's session describes the browser", async () => {
    await signInBed();
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    await step({ username: 'ada', password: password() }).set('User-Agent', firefox);
    const me = await agent.get('/me');
    expect(me.body.browser).toEqual({ name: 'Firefox', version: '128.0' });
  });

  it('leaves no flow behind: the flow cookie is cleared', async () => {
    await signInBed();
    const otp = await step({ username: 'grace', password: password() });
    expect(cookieNamed(otp, 'pingone_flow')).toBeDefined();
    const done = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(cookieNamed(done, 'pingone_flow')).toMatch(/^pingone_flow=; Path=\/signin; Expires=/);
  });
});

describe('a sign-in with more steps', () => {
  it('asks for the one-time password, in a flow kept under an HttpOnly SameSite=Strict cookie', async () => {
    await signInBed();
    const res = await step({ username: 'grace', password: password() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'OTP_REQUIRED', username: 'grace' });
    expect(cookieNamed(res, 'ST')).toBeUndefined();
    expect(cookieNamed(res, 'pingone_flow')).toMatch(
      /^pingone_flow=[\w-]{43}; Max-Age=900; Path=\/signin; Expires=[^;]+; HttpOnly; SameSite=Strict$/,
    );
    const done = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(done.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
    expect((await agent.get('/me')).body.lastSignOn.authenticators).toEqual(['pwd', 'mfa']);
  });

  it('lists devices by ID and name only, then asks for the code sent to the chosen one', async () => {
    await signInBed();
    const res = await step({ username: 'hedy', password: password() });
    expect(res.body).toEqual({
      status: 'DEVICE_SELECTION_REQUIRED',
      username: 'hedy',
      devices: [
        { id: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d', name: 'EMAIL h•••@example.com' },
        { id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', name: 'SMS +43 ••• ••• 1914' },
      ],
    });
    const chosen = await step({ deviceId: res.body.devices[1].id });
    expect(chosen.body.status).toBe('OTP_REQUIRED');
    const done = await step({ otp: bed.emulator.lastOtp('hedy')! });
    expect(done.body.status).toBe('COMPLETED');
  });

  it('asks for a new password when it has expired, then signs in', async () => {
    await signInBed();
    const res = await step({ username: 'alan', password: password() });
    expect(res.body.status).toBe('PASSWORD_EXPIRED');
    const done = await step({ currentPassword: password(), newPassword: 'Enigma-1912-new' });
    sentSecrets.push('Enigma-1912-new');
    expect(done.body.status).toBe('COMPLETED');
  });

  it('answers 400 password_rejected to a new password the policy refuses, and keeps the flow', async () => {
    await signInBed();
    await step({ username: 'alan', password: password() });
    const res = await step({ currentPassword: password(), newPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'password_rejected' });
    const done = await step({ currentPassword: password(), newPassword: 'Enigma-1912-new' });
    expect(done.body.status).toBe('COMPLETED');
  });

  it('answers 409 wrong_step to a code posted while a device is to be chosen', async () => {
    await signInBed();
    await step({ username: 'hedy', password: password() });
    const res = await step({ otp: '12345678' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'wrong_step', status: 'DEVICE_SELECTION_REQUIRED' });
  });

  it('starts a flow on an empty post and reports its first step', async () => {
    await signInBed();
    const res = await step({});
    expect(res.body).toEqual({ status: 'USERNAME_PASSWORD_REQUIRED' });
    const done = await step({ username: 'ada', password: password() });
    expect(done.body.status).toBe('COMPLETED');
    expect(flowCalls().filter((r) => r.url.includes('/as/authorize'))).toHaveLength(1);
  });
});

describe('a sign-in that fails', () => {
  it('answers 401 invalid_credentials to a wrong password, and the same to an unknown user', async () => {
    await signInBed();
    const wrong = await step({ username: 'ada', password: WRONG_PASSWORD });
    const unknown = await step({ username: 'nobody', password: WRONG_PASSWORD });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_credentials' });
      expect(cookieNamed(res, 'ST')).toBeUndefined();
    }
  });

  it('answers 423 locked with the seconds PingOne gave, once the account locks', async () => {
    await signInBed();
    for (let i = 0; i < 2; i += 1) await step({ username: 'ada', password: WRONG_PASSWORD });
    const res = await step({ username: 'ada', password: WRONG_PASSWORD });
    expect(res.status).toBe(423);
    expect(res.body).toEqual({ error: 'locked', retryAfterSeconds: 300 });
    expect(res.headers['retry-after']).toBe('300');
  });

  it('answers 401 invalid_otp to a wrong code, and takes the right one after', async () => {
    await signInBed();
    await step({ username: 'grace', password: password() });
    const wrong = await step({ otp: '00000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_otp' });
    const done = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(done.body.status).toBe('COMPLETED');
  });

  it('answers 410 flow_expired once PingOne forgot the flow, and starts cleanly after', async () => {
    await signInBed();
    await step({ username: 'grace', password: password() });
    now += 15 * 60_000;
    const res = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(res.status).toBe(410);
    expect(res.body).toEqual({ error: 'flow_expired' });
    expect(cookieNamed(res, 'pingone_flow')).toMatch(/^pingone_flow=;/);
    const again = await step({ username: 'ada', password: password() });
    expect(again.body.status).toBe('COMPLETED');
  });

  it('answers 410 flow_expired to a code posted with no flow at all', async () => {
    await signInBed();
    const res = await step({ otp: '12345678' });
    expect(res.status).toBe(410);
    expect(flowCalls()).toHaveLength(0);
  });

  it('answers 503 pingone_unavailable when PingOne is down', async () => {
    await signInBed();
    bed.emulator.addFault({ on: 'flows', status: 503 });
    const res = await step({ username: 'ada', password: password() });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'pingone_unavailable' });
  });

  it('answers 502 signin_failed and logs the fix and PingOne code when it refuses the application', async () => {
    await signInBed({ clientId: '6a0cbc05-0000-4000-8000-000000000000' });
    const res = await step({ username: 'ada', password: password() });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ error: 'signin_failed' });
    expect(bed.logs.map((log) => log.details)).toEqual([
      {
        event: 'signin_failed',
        reason: 'authorize_refused',
        cause: 'signin_client',
        status: 400,
        code: 'INVALID_DATA',
        id: expect.any(String),
      },
    ]);
    expect(bed.logs[0]!.message).toContain('check signIn.clientId (PINGONE_SIGNIN_CLIENT_ID)');
  });

  it('answers 502 signin_failed and names the secret when the code cannot be redeemed (wrong client secret)', async () => {
    await signInBed({ clientSecret: 'not-the-secret' });
    sentSecrets.push('not-the-secret');
    const res = await step({ username: 'ada', password: password() });
    expect(res.status).toBe(502);
    expect(bed.logs[0]!.details).toMatchObject({
      reason: 'code_refused',
      cause: 'signin_credentials',
      status: 401,
    });
    expect(bed.logs[0]!.message).toContain(
      'check signIn.clientSecret (PINGONE_SIGNIN_CLIENT_SECRET)',
    );
    expect(cookieNamed(res, 'ST')).toBeUndefined();
  });

  it('logs no set-up cause for an answer a person could cause', async () => {
    await signInBed();
    expect((await step({})).body.status).toBe('USERNAME_PASSWORD_REQUIRED');
    bed.emulator.addFault({ on: 'flows', status: 403 });
    const res = await step({ username: 'ada', password: password() });
    expect(res.status).toBe(502);
    expect(bed.logs[0]!.details).toMatchObject({ reason: 'usernamePassword_refused' });
    expect(bed.logs[0]!.details).not.toHaveProperty('cause');
  });
});

describe('a flow that fails', () => {
  it('is forgotten: its cookie cleared and its record gone', async () => {
    await signInBed({ clientSecret: 'not-the-secret' });
    const first = await step({ username: 'grace', password: password() });
    const handle = cookieNamed(first, 'pingone_flow')!.split(';')[0]!;
    const done = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(done.status).toBe(502);
    expect(cookieNamed(done, 'pingone_flow')).toMatch(/^pingone_flow=;/);
    const replay = await request(bed.app)
      .post('/signin')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Cookie', handle)
      .send({ otp: '12345678' });
    expect(replay.status).toBe(410);
  });

  it('is kept while PingOne is down, so the same step can be tried again', async () => {
    await signInBed();
    await step({ username: 'grace', password: password() });
    bed.emulator.addFault({ on: 'flows', status: 503, times: 1 });
    const down = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(down.status).toBe(503);
    const again = await step({ otp: bed.emulator.lastOtp('grace')! });
    expect(again.body.status).toBe('COMPLETED');
  });
});

describe('an HTML form post (JavaScript off)', () => {
  it('is answered 303 to returnTo once signed in', async () => {
    await signInBed();
    const res = await formStep({
      username: 'ada',
      password: password(),
      returnTo: '/profile?tab=1',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile?tab=1');
    expect(cookieNamed(res, 'ST')).toBeDefined();
  });

  it('is answered 303 back to the sign-in page for the next step', async () => {
    await signInBed();
    const res = await formStep({ username: 'grace', password: password(), returnTo: '/profile' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signin?returnTo=%2Fprofile');
    const page = await agent.get('/signin');
    expect(page.body).toEqual({
      action: '/signin',
      status: 'OTP_REQUIRED',
      username: 'grace',
      returnTo: '/profile',
      hiddenFields: { returnTo: '/profile' },
      signedIn: false,
    });
  });

  it('is answered 303 back with the error code, which the page sees', async () => {
    await signInBed();
    const res = await formStep({ username: 'ada', password: WRONG_PASSWORD, returnTo: '/profile' });
    expect(res.headers.location).toBe('/signin?returnTo=%2Fprofile&error=invalid_credentials');
    const page = await agent.get(res.headers.location!);
    expect(page.body).toMatchObject({ error: 'invalid_credentials', returnTo: '/profile' });
  });

  it('lands on signIn.returnTo when returnTo leads to another site', async () => {
    await signInBed({ returnTo: '/home' });
    const res = await formStep({
      username: 'ada',
      password: password(),
      returnTo: '//evil.example/',
    });
    expect(res.headers.location).toBe('/home');
  });
});

describe('an app that parses bodies itself', () => {
  it.each([
    ['express.json()', express.json()],
    ['express.urlencoded()', express.urlencoded({ extended: false })],
  ])('signs in when %s ran before pingSession()', async (_name, parser) => {
    await signInBed();
    const app = express();
    app.use(parser);
    app.use(pingSession({ ...bed.emulator.options(), signIn: signInOptions(bed.emulator) }));
    const post = request(app).post('/signin').set('Sec-Fetch-Site', 'same-origin');
    const res = await (_name === 'express.json()'
      ? post.send({ username: 'ada', password: password() })
      : post.type('form').send({ username: 'ada', password: password() }));
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
  });

  it.each([
    ['express.text()', express.text({ type: '*/*' })],
    ['express.raw()', express.raw({ type: '*/*' })],
  ])('signs in when %s read the body as it came', async (_name, parser) => {
    await signInBed();
    const app = express();
    app.use(parser);
    app.use(pingSession({ ...bed.emulator.options(), signIn: signInOptions(bed.emulator) }));
    const res = await request(app)
      .post('/signin')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ username: 'ada', password: password() });
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
  });

  it('answers 415 at once when something else consumed the body, and asks PingOne nothing', async () => {
    await signInBed();
    const app = express();
    app.use((req, _res, next) => {
      req.resume();
      req.once('end', () => next());
    });
    app.use(pingSession({ ...bed.emulator.options(), signIn: signInOptions(bed.emulator) }));
    const res = await request(app)
      .post('/signin')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send({ username: 'ada', password: password() })
      .timeout(5000);
    expect(res.status).toBe(415);
    expect(flowCalls()).toHaveLength(0);
  });
});

describe('the sign-in page (GET)', () => {
  it('tells the app no flow is under way, and where to post', async () => {
    await signInBed();
    const page = await agent.get('/signin?returnTo=%2Fprofile');
    expect(page.body).toEqual({
      action: '/signin',
      returnTo: '/profile',
      hiddenFields: { returnTo: '/profile' },
      signedIn: false,
    });
  });

  it('ignores error codes it does not know and unsafe returnTo values', async () => {
    await signInBed();
    const page = await agent.get('/signin?error=%3Cscript%3E&returnTo=https%3A%2F%2Fevil.example');
    expect(page.body).toEqual({
      action: '/signin',
      returnTo: '/',
      hiddenFields: { returnTo: '/' },
      signedIn: false,
    });
  });
});

describe('requests the route refuses, before any PingOne call', () => {
  it('refuses a post from another site with 403', async () => {
    await signInBed();
    const res = await agent
      .post('/signin')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'https://evil.example')
      .send({ username: 'ada', password: password() });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'cross_site_request' });
    expect(flowCalls()).toHaveLength(0);
    expect(bed.logs[0]!.details).toEqual({ event: 'signin_refused', reason: 'cross_site' });
  });

  it('answers 405 with Allow to other methods', async () => {
    await signInBed();
    const res = await agent.put('/signin');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  it('answers 413 to a body over 8 KiB', async () => {
    await signInBed();
    const res = await step({ username: 'ada', password: 'x'.repeat(9000) });
    expect(res.status).toBe(413);
    expect(flowCalls()).toHaveLength(0);
  });

  it('answers 415 to a body that is neither a form nor JSON', async () => {
    await signInBed();
    const res = await agent
      .post('/signin')
      .set('Sec-Fetch-Site', 'same-origin')
      .set('Content-Type', 'text/plain')
      .send('username=ada');
    expect(res.status).toBe(415);
  });

  it.each([
    ['a control character', { username: 'ada\r\nX-Injected: 1', password: 'x' }],
    ['a field that is not a string', { username: ['ada'], password: 'x' }],
    ['half of a step', { username: 'ada' }],
  ])('answers 400 invalid_request to %s', async (_case, fields) => {
    await signInBed();
    const res = await agent.post('/signin').set('Sec-Fetch-Site', 'same-origin').send(fields);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request' });
    expect(flowCalls()).toHaveLength(0);
  });

  it('answers on the path where the middleware is mounted only', async () => {
    await signInBed();
    const res = await agent.post('/signin/more').set('Sec-Fetch-Site', 'same-origin').send({});
    expect(res.status).toBe(404);
    expect(flowCalls()).toHaveLength(0);
  });
});
