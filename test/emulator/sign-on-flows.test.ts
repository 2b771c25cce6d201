import { createHash } from 'node:crypto';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../src/emulator';

let emulator: Emulator;
let now: number;
beforeEach(async () => {
  now = Date.parse('2026-03-01T12:00:00Z');
  emulator = await startEmulator({ now: () => now, lockoutFailures: 3, lockoutSeconds: 120 });
});
afterEach(() => emulator.close());

const MEDIA = {
  password: 'application/vnd.pingidentity.usernamePassword.check+json',
  otp: 'application/vnd.pingidentity.otp.check+json',
  device: 'application/vnd.pingidentity.device.select+json',
  reset: 'application/vnd.pingidentity.password.reset+json',
};
const VERIFIER = 'a-verifier-of-at-least-forty-three-characters-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

async function authorize(extra: Record<string, string> = {}) {
  const res = await request(emulator.url)
    .get(`/${emulator.environmentId}/as/authorize`)
    .query({
      response_type: 'code',
      client_id: emulator.signInClientId,
      scope: 'openid',
      response_mode: 'pi.flow',
      state: 'the-state',
      nonce: 'the-nonce',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      ...extra,
    });
  return res;
}

const post = (flowId: string, type: string, body: object, cookie?: string) => {
  const req = request(emulator.url)
    .post(`/${emulator.environmentId}/flows/${flowId}`)
    .set('Content-Type', type);
  if (cookie) req.set('Cookie', cookie);
  return req.send(JSON.stringify(body));
};

const stOf = (res: request.Response) =>
  /^ST=([^;]+)/.exec(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '')?.[1];

/** A flow begun at authorize, and the anonymous `ST` cookie its later calls must carry. */
async function begin(extra: Record<string, string> = {}) {
  const res = await authorize(extra);
  return { flow: res.body, cookie: `ST=${stOf(res)}` };
}

describe("the emulator's sign-on flow API", () => {
  it('answers authorize with pi.flow as a flow object asking for username and password', async () => {
    const res = await authorize();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      status: 'USERNAME_PASSWORD_REQUIRED',
      resumeUrl: `${emulator.url}/${emulator.environmentId}/as/resume?flowId=${res.body.id}`,
      _links: { 'usernamePassword.check': { href: expect.stringContaining('/flows/') } },
    });
    expect(res.headers['set-cookie']).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ST=[^;]+; Path=/${emulator.environmentId}/as; Secure; HttpOnly; SameSite=None$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^ST-NO-SS=[^;]+; Path=/${emulator.environmentId}/as; Secure; HttpOnly$`),
      ),
    ]);
  });

  it('refuses a flow call without the cookie it set at authorize', async () => {
    const { flow } = await begin();
    const res = await post(flow.id, MEDIA.password, {
      username: 'ada',
      password: emulator.demoPassword,
    });
    expect(res.status).toBe(401);
  });

  it('answers 406 to a flow call whose Accept admits only application/json', async () => {
    const { flow, cookie } = await begin();
    const res = await request(emulator.url)
      .post(`/${emulator.environmentId}/flows/${flow.id}`)
      .set('Content-Type', MEDIA.password)
      .set('Accept', 'application/json')
      .set('Cookie', cookie)
      .send(JSON.stringify({ username: 'ada', password: emulator.demoPassword }));
    expect(res.status).toBe(406);
  });

  it('refuses authorize for another client_id', async () => {
    const res = await authorize({ client_id: emulator.clientId });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_DATA');
  });

  it("sets ST with PingOne's attributes on the identifying call", async () => {
    const { flow, cookie: anonymous } = await begin();
    const res = await post(
      flow.id,
      MEDIA.password,
      { username: 'ada', password: emulator.demoPassword },
      anonymous,
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('COMPLETED');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!;
    expect(cookie).toMatch(
      new RegExp(
        `^ST=[^;]+; Path=/${emulator.environmentId}; Max-Age=2592000; Expires=[^;]+ GMT; Secure; HttpOnly; SameSite=None$`,
      ),
    );
  });

  it('answers 415 to an unknown media type', async () => {
    const { flow, cookie: anonymous } = await begin();
    const res = await post(flow.id, 'application/json', {}, anonymous);
    expect(res.status).toBe(415);
  });

  it('answers INVALID_CREDENTIALS alike for a wrong password and an unknown user', async () => {
    const { flow, cookie: anonymous } = await begin();
    const wrong = await post(
      flow.id,
      MEDIA.password,
      { username: 'ada', password: 'nope' },
      anonymous,
    );
    const unknown = await post(
      flow.id,
      MEDIA.password,
      { username: 'nobody', password: 'nope' },
      anonymous,
    );
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(400);
      expect(res.body.details[0].code).toBe('INVALID_CREDENTIALS');
    }
  });

  it('locks an account after repeated wrong passwords, with secondsUntilUnlock', async () => {
    const { flow, cookie: anonymous } = await begin();
    for (let i = 0; i < 2; i += 1) {
      await post(flow.id, MEDIA.password, { username: 'ada', password: 'nope' }, anonymous);
    }
    const locked = await post(
      flow.id,
      MEDIA.password,
      { username: 'ada', password: 'nope' },
      anonymous,
    );
    expect(locked.body.details[0]).toMatchObject({
      code: 'PASSWORD_LOCKED_OUT',
      innerError: { secondsUntilUnlock: 120 },
    });
    const right = await post(
      flow.id,
      MEDIA.password,
      { username: 'ada', password: emulator.demoPassword },
      anonymous,
    );
    expect(right.body.details[0].code).toBe('PASSWORD_LOCKED_OUT');
    now += 121_000;
    const later = await post(
      flow.id,
      MEDIA.password,
      { username: 'ada', password: emulator.demoPassword },
      anonymous,
    );
    expect(later.body.status).toBe('COMPLETED');
  });

  it('asks grace for the one-time password it sent, and needs ST on that call', async () => {
    const { flow, cookie: anonymous } = await begin();
    const first = await post(
      flow.id,
      MEDIA.password,
      { username: 'grace', password: emulator.demoPassword },
      anonymous,
    );
    expect(first.body.status).toBe('OTP_REQUIRED');
    const st = stOf(first)!;
    expect(emulator.sessionState(st)).toBe('pending');
    const otp = emulator.lastOtp('grace')!;
    expect(otp).toMatch(/^\d{8}$/);
    const without = await post(flow.id, MEDIA.otp, { otp }, anonymous);
    expect(without.status).toBe(401);
    const done = await post(flow.id, MEDIA.otp, { otp }, `ST=${st}`);
    expect(done.body.status).toBe('COMPLETED');
    expect(emulator.sessionState(st)).toBe('active');
  });

  it('lets hedy choose one of her two devices first', async () => {
    const { flow, cookie: anonymous } = await begin();
    const first = await post(
      flow.id,
      MEDIA.password,
      { username: 'hedy', password: emulator.demoPassword },
      anonymous,
    );
    expect(first.body.status).toBe('DEVICE_SELECTION_REQUIRED');
    expect(first.body._embedded.devices).toHaveLength(2);
    const cookie = `ST=${stOf(first)}`;
    const chosen = await post(
      flow.id,
      MEDIA.device,
      { device: { id: first.body._embedded.devices[1].id } },
      cookie,
    );
    expect(chosen.body.status).toBe('OTP_REQUIRED');
    const done = await post(flow.id, MEDIA.otp, { otp: emulator.lastOtp('hedy') }, cookie);
    expect(done.body.status).toBe('COMPLETED');
  });

  it('asks alan for a new password, since his has expired', async () => {
    const { flow, cookie: anonymous } = await begin();
    const first = await post(
      flow.id,
      MEDIA.password,
      { username: 'alan', password: emulator.demoPassword },
      anonymous,
    );
    expect(first.body.status).toBe('PASSWORD_EXPIRED');
    const done = await post(
      flow.id,
      MEDIA.reset,
      { currentPassword: emulator.demoPassword, newPassword: 'a-new-password' },
      `ST=${stOf(first)}`,
    );
    expect(done.body.status).toBe('COMPLETED');
  });

  it('answers 404 for a flow idle past 15 minutes', async () => {
    const { flow, cookie: anonymous } = await begin();
    now += 15 * 60_000;
    const res = await post(flow.id, MEDIA.password, { username: 'ada', password: 'x' }, anonymous);
    expect(res.status).toBe(404);
  });

  it('resumes a completed flow with a code the token endpoint redeems once, with PKCE', async () => {
    const { flow, cookie: anonymous } = await begin();
    const st = stOf(
      await post(
        flow.id,
        MEDIA.password,
        { username: 'ada', password: emulator.demoPassword },
        anonymous,
      ),
    );
    const resumed = await request(emulator.url)
      .get(`/${emulator.environmentId}/as/resume`)
      .query({ flowId: flow.id })
      .set('Cookie', `ST=${st}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.authorizeResponse).toEqual({
      code: expect.any(String),
      state: 'the-state',
    });
    const redeem = (verifier: string) =>
      request(emulator.url).post(`/${emulator.environmentId}/as/token`).type('form').send({
        grant_type: 'authorization_code',
        code: resumed.body.authorizeResponse.code,
        code_verifier: verifier,
        client_id: emulator.signInClientId,
        client_secret: emulator.signInClientSecret,
      });
    const tokens = await redeem(VERIFIER);
    expect(tokens.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString(),
    );
    expect(claims).toMatchObject({ nonce: 'the-nonce', aud: emulator.signInClientId });
    expect((await redeem(VERIFIER)).body.error).toBe('invalid_grant');
  });
});
